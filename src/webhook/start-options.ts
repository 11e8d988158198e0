// The options of `xcli webhook start`, one field per flag (commander's camelCase of the flag), so
// src/commands/webhook.ts binds its flags straight into them and the server takes a part of them.
// Defaults live here once: the flags show them, and code that starts a server directly uses them.
// Switches are optional, as commander leaves a switch not given (undefined is off).

export interface WebhookStartOptions {
  port: number;
  path: string;
  host: string;
  requireSignature?: boolean;
  /** Largest body accepted, bytes (413 above). */
  maxBody: number;
  /** Older consumer secrets still accepted for events during a rotation. */
  previousSecret?: string[];
  /** A redis:// URL: dedupe shared with other instances. */
  dedupe?: string;
  maxConnections: number;
  /** Request-body bytes held across all connections (503 above). */
  maxBodyMemory: number;
  /** Event bytes waiting for `forwardTo` (503 above). */
  maxForwardMemory: number;
  /** The event log rotates at this size, bytes. */
  maxLogSize: number;
  /** Unverified bodies: their first 4 KiB, length and SHA-256, or whole. */
  logUnverified: 'head' | 'full';
  output?: string;
  pretty?: boolean;
  quiet?: boolean;
  json?: boolean;
  events?: string;
  forwardTo?: string;
  /** Seconds. */
  forwardTimeout: number;
  crc: 'local' | 'passthrough';
  tunnel: boolean;
  publicUrl?: string;
  ngrokDomain?: string;
  tunnelModule?: string;
  register?: boolean;
  replace?: boolean;
  ephemeral?: boolean;
  /** `TYPE:@user` X Activity subscriptions to make once registered. */
  subscribe?: string[];
  sandbox?: boolean;
}

const MiB = 1024 * 1024;

export const WEBHOOK_START_DEFAULTS = {
  port: 8080,
  path: '/webhook',
  host: '127.0.0.1',
  maxBody: MiB,
  maxConnections: 1024,
  maxBodyMemory: 48 * MiB,
  maxForwardMemory: 32 * MiB,
  maxLogSize: 256 * MiB,
  logUnverified: 'head',
  forwardTimeout: 10,
  crc: 'local',
  tunnel: true,
} as const satisfies Partial<WebhookStartOptions>;

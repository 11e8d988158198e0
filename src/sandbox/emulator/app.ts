// What a route module gets: the store, the services that own behaviour (deliveries, CRC, streams,
// OAuth2 grants), the injected clock and scheduler, the router and the sandbox's settings.
import type { SandboxCredentials } from './auth.js';
import type { Clock, Scheduler } from './clock.js';
import type { CrcSchedule } from './crc-schedule.js';
import type { DeliveryEngine } from './events.js';
import type { OAuth2Grants } from './oauth2-grants.js';
import type { RouteHandler, RouteOptions } from './router.js';
import type { SandboxState } from './store.js';
import type { StreamBehaviour, StreamHub } from './streaming.js';

export type { StreamBehaviour } from './streaming.js';

export interface SandboxSettings {
  /** Maximum number of webhooks per app (X Pay-Per-Use: 1). */
  webhookLimit: number;
  /** Also accept `http://` webhook URLs on loopback hosts (the sandbox runs on your machine). */
  allowHttpLoopbackWebhooks: boolean;
  stream: StreamBehaviour;
  /** Requests per 15-minute window and credential before a 429 (per route template). */
  rateLimit: (method: string, template: string) => number;
  /** Lifetime of the OAuth2 access tokens the sandbox issues, in seconds. */
  accessTokenTtlSeconds: number;
}

export interface SandboxApp {
  /** The store: data only. */
  state: SandboxState;
  credentials: SandboxCredentials;
  settings: SandboxSettings;
  clock: Clock;
  scheduler: Scheduler;
  /** Signed webhook deliveries, retries and replay jobs. */
  engine: DeliveryEngine;
  /** CRC checks and the `--crc-every` schedule. */
  crc: CrcSchedule;
  /** Open streaming connections and the activity stream's backfill. */
  streams: StreamHub;
  grants: OAuth2Grants;
  /** Bearer tokens minted through `POST /oauth2/token` (client_credentials). */
  extraBearers: Set<string>;
  /** Base URL the sandbox listens on (`http://127.0.0.1:PORT`). */
  url(): string;
  /** The clock's time (epoch ms). */
  now(): number;
  /** Registers (or, when the same method and template exist, replaces) a route. */
  route(method: string, template: string, handler: RouteHandler, options?: RouteOptions): void;
  /** Called after state changes that `--state FILE` should save. */
  changed(): void;
}

/** A route file exports one of these; `routes/index.ts` calls them all. */
export type RouteModule = (app: SandboxApp) => void;

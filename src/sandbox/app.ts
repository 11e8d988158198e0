// What a route module gets: the shared state, the router, the engine and the sandbox's settings.
import type { SandboxCredentials } from './auth.js';
import type { DeliveryEngine } from './events.js';
import type { OAuth2Grants } from './oauth2-grants.js';
import type { RouteHandler, RouteOptions } from './router.js';
import type { SandboxState } from './state.js';

export interface StreamBehaviour {
  /** Close the connection (as X's operational disconnects do) after this many records. */
  dropAfterRecords?: number;
  /** Stop sending anything, heartbeats included, after this many records (a stall). */
  stallAfterRecords?: number;
  /** Interval of the `\r\n` keep-alive (X: at least every 20 s). */
  heartbeatMs: number;
}

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
  state: SandboxState;
  credentials: SandboxCredentials;
  settings: SandboxSettings;
  engine: DeliveryEngine;
  grants: OAuth2Grants;
  /** Bearer tokens minted through `POST /oauth2/token` (client_credentials). */
  extraBearers: Set<string>;
  /** Base URL the sandbox listens on (`http://127.0.0.1:PORT`). */
  url(): string;
  now(): number;
  /** Registers (or, when the same method and template exist, replaces) a route. */
  route(method: string, template: string, handler: RouteHandler, options?: RouteOptions): void;
  /** Called after state changes that `--state FILE` should save. */
  changed(): void;
}

/** A route file exports one of these; `routes/index.ts` calls them all. */
export type RouteModule = (app: SandboxApp) => void;

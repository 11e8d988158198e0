// Shared shapes of the HTTP layer: flags common to every API-calling command, and internal API calls.
import type { AuthKind } from './route-types.js';

export type { AuthFlag, GlobalOptions } from '../api-options.js';

/** A request made by xcli's own commands (webhook list, activity create, shortcuts…). */
export interface ApiCall {
  method: string;
  /** Path relative to the API base (`/2/webhooks`) or a full URL. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  body?: Buffer | string;
  headers?: Record<string, string>;
  /** Force one auth kind (otherwise chosen from the route table). */
  authKind?: AuthKind;
}

export interface ApiResult<T = unknown> {
  status: number;
  headers: Record<string, string>;
  raw: Buffer;
  /** Parsed JSON body, when the body is JSON. */
  json: T | undefined;
}

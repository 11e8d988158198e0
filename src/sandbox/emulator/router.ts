// A small typed router for the sandbox: `route('GET', '/2/tweets/:id', handler)`; later routes win.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { matchRoute, type AuthKind } from '../../http/routes.js';

/** Who made the request, as the auth check established it. */
export interface AuthInfo {
  kind: AuthKind | 'none';
  /** The user the token acts for (OAuth 1.0a and OAuth2 user tokens). */
  userId?: string;
  /** Scopes granted to an OAuth2 user token. */
  scopes?: string[];
  /** OAuth2 client id (OAuth2 user tokens) or consumer key (OAuth 1.0a). */
  clientId?: string;
}

export interface SandboxRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** The body parsed as JSON when it is JSON; undefined otherwise (or when it does not parse). */
  json: unknown;
  /** The body parsed as a form when it is `application/x-www-form-urlencoded`. */
  form?: URLSearchParams;
  auth: AuthInfo;
  /** The server response, for streaming handlers; regular handlers return a SandboxResponse. */
  raw: ServerResponse;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string | Buffer;
}

/**
 * A handler answers with a response, or `'streamed'` when it wrote to `req.raw` itself
 * (streaming routes, redirects written by hand).
 */
export type RouteHandler = (req: SandboxRequest) => SandboxResponse | 'streamed' | Promise<SandboxResponse | 'streamed'>;

/**
 * Which credentials a route takes. Default: the kinds X's OpenAPI lists for this method and path
 * (src/http/routes.generated.ts), with its OAuth2 scopes; `'none'` for public endpoints such as
 * the OAuth2 authorize page; an explicit list for sandbox-only routes.
 */
export interface RouteOptions {
  auth?: readonly AuthKind[] | 'none';
  scopes?: readonly string[];
  /**
   * Checks against X's OpenAPI description (default: both), turned off where the handler knows X's
   * answer better than the description (a reason code X sends, query parameters X takes but does not list).
   */
  validate?: { query?: boolean; body?: boolean };
}

export interface RouteDef {
  method: string;
  template: string;
  segments: string[];
  handler: RouteHandler;
  auth: readonly AuthKind[] | 'none';
  scopes: readonly string[];
  /** The template of X's description this route serves (`/2/tweets/{id}`), when it is one of X's. */
  specPath?: string;
  validate: { query: boolean; body: boolean };
  order: number;
}

const ALL_KINDS: readonly AuthKind[] = ['oauth2', 'oauth1', 'bearer'];

export class Router {
  private readonly routes: RouteDef[] = [];
  private counter = 0;

  /** Adds a route; a route added later for the same method and template replaces the earlier one. */
  route(method: string, template: string, handler: RouteHandler, options: RouteOptions = {}): void {
    const upper = method.toUpperCase();
    const fact = matchRoute(upper, template.replace(/:([A-Za-z_]+)/g, '{$1}'));
    const auth = options.auth ?? fact?.auth ?? ALL_KINDS;
    const scopes = options.scopes ?? fact?.scopes ?? [];
    const def: RouteDef = {
      method: upper,
      template,
      segments: template.split('/').filter(Boolean),
      handler,
      auth,
      scopes,
      specPath: fact?.path,
      validate: { query: options.validate?.query ?? true, body: options.validate?.body ?? true },
      order: this.counter++,
    };
    const existing = this.routes.findIndex((r) => r.method === upper && r.template === template);
    if (existing >= 0) this.routes.splice(existing, 1);
    this.routes.push(def);
  }

  /**
   * The route for a request: among matching templates the one with most literal segments wins
   * (`/2/users/me` over `/2/users/:id`), then the most recently added.
   */
  match(method: string, path: string): { def: RouteDef; params: Record<string, string> } | undefined {
    const parts = path.replace(/\/+$/, '').split('/').filter(Boolean);
    let best: { def: RouteDef; params: Record<string, string>; literals: number } | undefined;
    for (const def of this.routes) {
      if (def.method !== method.toUpperCase() || def.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = def.segments[i]!;
        const part = parts[i]!;
        if (seg.startsWith(':')) {
          params[seg.slice(1)] = safeDecode(part);
        } else if (seg === part) {
          literals++;
        } else {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (!best || literals > best.literals || (literals === best.literals && def.order > best.def.order))
        best = { def, params, literals };
    }
    return best && { def: best.def, params: best.params };
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

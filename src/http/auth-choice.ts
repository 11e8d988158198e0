// Which credential a request carries: `--auth`, else what the route accepts and the app has,
// else xurl's order. Credentials go only to the API host unless `--auth` was explicit.
import { CredentialsError } from '../errors.js';
import type { AuthKind, RouteFact } from './route-types.js';
import type { AuthFlag } from './types.js';

/** xurl's preference when a route accepts several kinds or is not in the table. */
const XURL_ORDER: readonly AuthKind[] = ['oauth2', 'oauth1', 'bearer'];

const FLAG_KIND: Record<AuthFlag, AuthKind> = { app: 'bearer', oauth1: 'oauth1', oauth2: 'oauth2' };

export const AUTH_NAMES: Record<AuthKind, string> = {
  bearer: 'bearer token (app-only)',
  oauth2: 'OAuth2 user token',
  oauth1: 'OAuth 1.0a',
};

/** The security scheme names of X's OpenAPI, as `xcli routes` shows them. */
export const SCHEME_NAMES: Record<AuthKind, string> = {
  bearer: 'BearerToken',
  oauth2: 'OAuth2UserToken',
  oauth1: 'UserToken (OAuth 1.0a)',
};

export interface AuthChoiceInput {
  method: string;
  /** Route of the request (undefined when the path is not in the table or the host is foreign). */
  route: RouteFact | undefined;
  /** False when the URL's origin is not the API base's. */
  apiHost: boolean;
  host: string;
  /** `--auth` as given by the user. */
  flag?: AuthFlag;
  /** A kind a command asks for (`ApiCall.authKind`); the user's `--auth` still wins. */
  forced?: AuthKind;
  username?: string;
  /** Kinds the resolved app can sign with (`availableAuthKinds`). */
  available: readonly AuthKind[];
  appLabel: string;
  /** Stored apps, when there are some but none is the default and no --app was given. */
  storedAppsWithoutDefault?: string[];
}

export interface AuthChoice {
  /** Undefined: the request goes out without credentials. */
  kind?: AuthKind;
  /** One line for `-v`: why this kind. */
  reason: string;
  /** A warning for stderr (credentials sent to a foreign host on request). */
  warning?: string;
}

/** The command that stores each kind of credential. */
const SETUP_COMMAND: Record<AuthKind, string> = {
  oauth2: "'xcli auth oauth2'",
  oauth1: "'xcli auth oauth1'",
  bearer: "'xcli auth app --bearer-token TOKEN'",
};

export function chooseAuth(input: AuthChoiceInput): AuthChoice {
  if (input.flag) {
    const kind = FLAG_KIND[input.flag];
    return {
      kind,
      reason: `--auth ${input.flag}`,
      warning: input.apiHost
        ? undefined
        : `sending ${AUTH_NAMES[kind]} credentials to ${input.host}, which is not the API host (--auth was given)`,
    };
  }
  if (!input.apiHost) {
    return { reason: `${input.host} is not the API host, so no credentials are sent (use --auth to send them)` };
  }
  if (input.forced) return { kind: input.forced, reason: `the command uses ${AUTH_NAMES[input.forced]}` };
  const route = input.route;
  if (route && route.auth.length === 0) return { reason: `${route.method} ${route.path} needs no auth` };
  const accepted = route ? route.auth : XURL_ORDER;
  const acceptedText = route
    ? `route accepts ${route.auth.map((k) => SCHEME_NAMES[k]).join(', ')}${route.auth.length === 1 ? ' only' : ''}`
    : 'route not in the table; xurl order: OAuth2 user, OAuth 1.0a, bearer';
  // An explicit user never silently falls back to another kind (xurl's TestExplicitUsernameDoesNotDowngradeToAppOnly).
  if (input.username && accepted.includes('oauth2')) return { kind: 'oauth2', reason: `-u ${input.username}; ${acceptedText}` };
  const kind = XURL_ORDER.find((k) => accepted.includes(k) && input.available.includes(k));
  if (kind) return { kind, reason: acceptedText };
  if (input.username && route) {
    throw new CredentialsError(
      `${route.method} ${route.path} does not accept OAuth2 user tokens (-u ${input.username}); it accepts ${accepted.map((k) => AUTH_NAMES[k]).join(', ')}`,
    );
  }
  if (input.available.length === 0) {
    if (input.storedAppsWithoutDefault?.length) {
      throw new CredentialsError(
        `no default app: pick one with --app NAME or 'xcli auth default NAME' (stored: ${input.storedAppsWithoutDefault.join(', ')})`,
      );
    }
    const fixes = XURL_ORDER.filter((k) => accepted.includes(k)).map((k) => SETUP_COMMAND[k]);
    throw new CredentialsError(
      `no credentials for ${input.appLabel}: run ${fixes.join(' or ')}${accepted.includes('bearer') ? ', or set X_BEARER_TOKEN' : ''}`,
    );
  }
  const needs = `${accepted.includes('bearer') ? '' : 'user context: '}${accepted.map((k) => AUTH_NAMES[k]).join(' or ')}`;
  const fix = SETUP_COMMAND[XURL_ORDER.find((k) => accepted.includes(k)) ?? 'bearer'];
  throw new CredentialsError(
    `${route!.method} ${route!.path} needs ${needs}; ${input.appLabel} has only ${input.available.map((k) => AUTH_NAMES[k]).join(', ')}: run ${fix}`,
  );
}

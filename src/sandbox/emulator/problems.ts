// X's error bodies: problem JSON (RFC 7807 with X's `type` URIs) and the `errors[]` wrappers.
import type { SandboxResponse } from './router.js';

const PROBLEMS = 'https://api.x.com/2/problems';

export function problem(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/problem+json', ...headers }, json: body };
}

/** 401 exactly as X answers a missing, unknown or badly signed credential. */
export function unauthorized(): SandboxResponse {
  return problem(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
}

const AUTH_NAMES = {
  bearer: 'OAuth 2.0 Application-Only',
  oauth1: 'OAuth 1.0a User Context',
  oauth2: 'OAuth 2.0 User Context',
} as const;

/** 403 for a valid credential of a kind the route does not take. */
export function unsupportedAuthentication(
  used: keyof typeof AUTH_NAMES,
  accepted: ReadonlyArray<keyof typeof AUTH_NAMES>,
): SandboxResponse {
  return problem(403, {
    title: 'Unsupported Authentication',
    detail: `Authenticating with ${AUTH_NAMES[used]} is forbidden for this endpoint.  Supported authentication types are [${accepted.map((k) => AUTH_NAMES[k]).join(', ')}].`,
    type: `${PROBLEMS}/unsupported-authentication`,
    status: 403,
  });
}

/** 403 for an OAuth2 user token that lacks a scope the route needs. */
export function missingScopes(missing: readonly string[]): SandboxResponse {
  return problem(403, {
    title: 'Forbidden',
    type: 'about:blank',
    status: 403,
    detail: `Missing OAuth2 scope(s): ${missing.join(' ')}`,
  });
}

/** 400 with X's validation wrapper: `errors[]` plus the problem fields. */
export function invalidRequest(message: string, extra: Record<string, unknown> = {}): SandboxResponse {
  return problem(400, {
    errors: [{ message, ...extra }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: `${PROBLEMS}/invalid-request`,
  });
}

/** A 200-body `errors[]` item (partial success) or a 404 item for one missing resource. */
export function notFoundItem(resourceType: 'tweet' | 'user' | string, parameter: string, value: string): Record<string, unknown> {
  return {
    value,
    detail: `Could not find ${resourceType} with ${parameter}: [${value}].`,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter,
    resource_id: value,
    type: `${PROBLEMS}/resource-not-found`,
  };
}

/** X answers a single missing resource with 200 and `errors[]` only (no data). */
export function notFound(resourceType: string, parameter: string, value: string): SandboxResponse {
  return { status: 200, json: { errors: [notFoundItem(resourceType, parameter, value)] } };
}

/** 404 for a path X does not serve. */
export function unknownRoute(path: string): SandboxResponse {
  return problem(404, {
    errors: [{ parameters: {}, message: `The requested resource ${path} was not found on the sandbox` }],
    title: 'Not Found Error',
    detail: `Sorry, that page does not exist: ${path}`,
    type: `${PROBLEMS}/resource-not-found`,
    status: 404,
  });
}

/**
 * 400 for webhook and subscription refusals, carrying X's reason code (`CrcValidationFailed`,
 * `DuplicateUrlFailed`…) in `errors[0].message`, the way X's clients quote it.
 */
export function refused(reason: string, message: string): SandboxResponse {
  return problem(400, {
    errors: [{ message: `${reason}: ${message}`, parameters: {}, reason }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: `${PROBLEMS}/invalid-request`,
    status: 400,
  });
}

/** 429 on an exhausted window; the window's own x-rate-limit-* headers go with it (limit = the route's ceiling). */
export function tooManyRequests(windowHeaders: Record<string, string>): SandboxResponse {
  return problem(
    429,
    { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
    windowHeaders,
  );
}

/**
 * A route of X's description the sandbox does not emulate: X's problem shape, and a detail that
 * says so, so that "X would refuse this" (auth and parameters are checked first) stays apart from
 * "the sandbox cannot do this".
 */
export function notEmulated(method: string, template: string, operationId: string): SandboxResponse {
  return problem(
    404,
    {
      title: 'Not Emulated',
      detail: `The sandbox does not emulate ${method} ${template}${operationId ? ` (${operationId})` : ''}: X serves it, the sandbox cannot. Your request was otherwise valid. See docs/sandbox.md for what is emulated.`,
      type: `${PROBLEMS}/resource-not-found`,
      status: 404,
    },
    { 'x-sandbox-not-emulated': 'true' },
  );
}

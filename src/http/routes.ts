// Looks up route facts (auth kinds, scopes, streaming, paging) for a request path.
import type { RouteFact } from './route-types.js';
import { ROUTES } from './routes.generated.js';

export type { AuthKind, RouteFact, RouteParam } from './route-types.js';

interface CompiledRoute {
  fact: RouteFact;
  segments: string[];
  literalCount: number;
}

let compiled: CompiledRoute[] | undefined;

function compile(): CompiledRoute[] {
  compiled ??= ROUTES.map((fact) => {
    const segments = fact.path.split('/').filter(Boolean);
    return { fact, segments, literalCount: segments.filter((s) => !s.startsWith('{')).length };
  });
  return compiled;
}

/** All route facts, in path order. */
export function allRoutes(): readonly RouteFact[] {
  return ROUTES;
}

/**
 * Finds the route for a method and path (`/2/tweets/20`, query and trailing slash ignored).
 * When several templates match, the one with the most literal segments wins, so
 * `/2/users/me` beats `/2/users/{id}`.
 */
export function matchRoute(method: string, path: string): RouteFact | undefined {
  const upper = method.toUpperCase();
  const clean = path.split('?')[0]!.replace(/\/+$/, '');
  const parts = clean.split('/').filter(Boolean);
  let best: CompiledRoute | undefined;
  for (const route of compile()) {
    if (route.fact.method !== upper || route.segments.length !== parts.length) continue;
    const matches = route.segments.every((seg, i) => seg.startsWith('{') || seg === parts[i]);
    if (matches && (!best || route.literalCount > best.literalCount)) best = route;
  }
  return best?.fact;
}

/** Whether any method of this path streams (X's `x-twitter-streaming`). */
export function isStreamingPath(path: string): boolean {
  return matchRoute('GET', path)?.streaming === true;
}

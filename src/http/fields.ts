// `--fields tweet=created_at,public_metrics --expand author_id`: sugar for X's `*.fields` and
// `expansions` query parameters, checked against the route's parameters when the route is known.
import { UsageError } from '../errors.js';
import type { RouteFact } from './route-types.js';

/** X's OpenAPI 2.167 calls it post.fields; the API and its docs take tweet.fields. */
const PARAM_ALIASES: Record<string, string[]> = { 'tweet.fields': ['tweet.fields', 'post.fields'] };

function paramName(type: string): string {
  return type === 'tweet' || type === 'post' ? 'tweet.fields' : `${type}.fields`;
}

function routeTakes(route: RouteFact, name: string): boolean {
  const names = PARAM_ALIASES[name] ?? [name];
  return route.params.some((p) => p.in === 'query' && names.includes(p.name));
}

function splitList(value: string, flag: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0 || items.some((i) => !/^[A-Za-z0-9_.]+$/.test(i)))
    throw new UsageError(`${flag} '${value}': expected a comma-separated list of names`);
  return items;
}

/**
 * The query parameters `--fields TYPE=a,b` (repeatable) and `--expand a,b` (repeatable) stand for,
 * in order; a route that does not take one of them is a usage error.
 */
export function fieldParams(
  fields: readonly string[] = [],
  expand: readonly string[] = [],
  route?: RouteFact,
): Array<[string, string]> {
  const params = new Map<string, string[]>();
  const add = (name: string, items: string[]) => params.set(name, [...new Set([...(params.get(name) ?? []), ...items])]);
  for (const spec of fields) {
    const m = /^([A-Za-z_]+)=(.*)$/.exec(spec.trim());
    if (!m) throw new UsageError(`--fields '${spec}': expected TYPE=field,field (e.g. tweet=created_at,public_metrics)`);
    add(paramName(m[1]!.toLowerCase()), splitList(m[2]!, '--fields'));
  }
  for (const spec of expand) add('expansions', splitList(spec, '--expand'));
  if (route) {
    for (const name of params.keys()) {
      if (routeTakes(route, name)) continue;
      const takes = route.params
        .filter((p) => p.in === 'query' && (p.name.endsWith('.fields') || p.name === 'expansions'))
        .map((p) => p.name);
      const flag = name === 'expansions' ? '--expand' : `--fields ${name.replace(/\.fields$/, '')}=…`;
      throw new UsageError(
        `${flag}: ${route.method} ${route.path} takes no ${name}${takes.length ? ` (it takes ${takes.join(', ')})` : ''}`,
      );
    }
  }
  return [...params].map(([name, items]) => [name, items.join(',')]);
}

/** Adds field parameters to a query, joining lists that are already there (`-f tweet.fields=…`). */
export function mergeFieldParams(query: Record<string, string>, params: Array<[string, string]>): Record<string, string> {
  const out = { ...query };
  for (const [name, value] of params) {
    const existing = out[name]?.split(',').filter(Boolean) ?? [];
    out[name] = [...new Set([...existing, ...value.split(',')])].join(',');
  }
  return out;
}

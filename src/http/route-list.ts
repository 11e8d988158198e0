// `xcli routes [FILTER]`: X's API explained from the route table generated from its OpenAPI
// description: method, path, accepted auth, OAuth2 scopes, streaming, and how the route pages.
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { SCHEME_NAMES } from './auth-choice.js';
import type { RouteFact } from './route-types.js';
import { allRoutes, matchRoute } from './routes.js';

export interface RoutesOptions {
  json?: boolean;
  method?: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/**
 * A filter that looks like a path (`/2/tweets/20`, `2/webhooks`, `/2/users/{id}`) selects the routes
 * whose template matches it, else those whose path starts with it; any other word is searched in
 * paths, operation ids and summaries (case-insensitive).
 */
export function selectRoutes(filter: string | undefined, method?: string): RouteFact[] {
  let routes = [...allRoutes()];
  if (method) routes = routes.filter((r) => r.method === method);
  if (!filter) return routes;
  const text = filter.trim();
  if (text.startsWith('/') || /^2\//.test(text)) {
    const path = `/${text.replace(/^\/+/, '').replace(/\/+$/, '').split('?')[0]}`;
    const exact = routes.filter((r) => r.path === path || matchRoute(r.method, path) === r);
    if (exact.length) return exact;
    return routes.filter((r) => r.path.startsWith(path));
  }
  const needle = text.toLowerCase();
  return routes.filter(
    (r) =>
      r.path.toLowerCase().includes(needle) ||
      r.operationId.toLowerCase().includes(needle) ||
      r.summary.toLowerCase().includes(needle),
  );
}

function paging(r: RouteFact): string {
  if (!r.pageParam) return '-';
  return `${r.pageParam}${r.maxResults === undefined ? '' : ` (max_results ≤ ${r.maxResults})`}`;
}

const authText = (r: RouteFact) => (r.auth.length ? r.auth.map((k) => SCHEME_NAMES[k]).join(', ') : 'none');

function table(routes: RouteFact[]): string {
  const rows = routes.map((r) => [
    r.method,
    r.path,
    authText(r),
    r.scopes.join(' ') || '-',
    r.streaming ? 'stream' : '',
    paging(r),
  ]);
  const head = ['METHOD', 'PATH', 'AUTH', 'SCOPES', 'STREAM', 'PAGING'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}

function details(r: RouteFact): string {
  const lines = [
    `${r.method} ${r.path}`,
    `  ${r.summary} (${r.operationId})`,
    `  auth:      ${authText(r)}`,
    `  scopes:    ${r.scopes.join(' ') || '-'}`,
    `  streaming: ${r.streaming ? 'yes' : 'no'}`,
    `  paging:    ${r.pageParam ? paging(r) : 'no'}`,
  ];
  if (r.params.length === 0) lines.push('  params:    none');
  else {
    lines.push('  params:');
    const width = Math.max(...r.params.map((p) => p.name.length));
    for (const p of r.params) lines.push(`    ${p.name.padEnd(width)}  ${p.in}, ${p.type}${p.required ? ', required' : ''}`);
  }
  return lines.join('\n');
}

export function runRoutes(ctx: Context, options: RoutesOptions & { filter?: string }): void {
  const { filter } = options;
  const method = options.method?.toUpperCase();
  if (method !== undefined && !METHODS.includes(method))
    throw new UsageError(`-X ${options.method}: use one of ${METHODS.join(', ')}`);
  const routes = selectRoutes(filter, method);
  if (options.json) {
    ctx.io.stdout.write(`${JSON.stringify(routes, null, 2)}\n`);
    return;
  }
  if (routes.length === 0) throw new UsageError(`no route matches '${filter}' (try 'xcli routes' for all ${allRoutes().length})`);
  // One path (its methods): everything about it, parameters included.
  const onePath = routes.every((r) => r.path === routes[0]!.path);
  ctx.io.stdout.write(onePath ? `${routes.map(details).join('\n\n')}\n` : table(routes));
}

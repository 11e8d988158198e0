// `xcli limits [FILTER]`: the rate-limit budget last seen per route and auth kind, read from the
// state file, so it costs no API call.
import { resolveApp } from '../auth/resolve.js';
import type { Context } from '../context.js';
import { formatDuration, knownLimits, limitScope, type SeenLimit } from './rate-limits.js';

export interface LimitsOptions {
  filter?: string;
  json?: boolean;
}

function resetText(entry: SeenLimit, now: number): string {
  if (!entry.reset) return '-';
  const left = entry.reset - now / 1000;
  return left >= 0 ? `in ${formatDuration(left)}` : `${formatDuration(-left)} ago (window renewed)`;
}

function ageText(entry: SeenLimit, now: number): string {
  return `${formatDuration((now - entry.seenAt) / 1000)} ago`;
}

export async function runLimits(ctx: Context, options: LimitsOptions): Promise<void> {
  const { filter } = options;
  const resolved = await resolveApp(ctx, { app: ctx.api.app });
  const now = ctx.now();
  const needle = filter?.toLowerCase();
  const entries = (await knownLimits(ctx.paths.stateFile, limitScope(resolved.apiBaseUrl, resolved.name))).filter(
    (e) => !needle || `${e.method} ${e.route}`.toLowerCase().includes(needle),
  );
  if (options.json) {
    const out = entries.map((e) => ({
      ...e,
      resetsInSeconds: e.reset ? Math.round(e.reset - now / 1000) : null,
      seenAt: new Date(e.seenAt).toISOString(),
    }));
    ctx.io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const who = resolved.name ? `app '${resolved.name}'` : 'the environment credentials';
  if (entries.length === 0) {
    ctx.io.stderr.write(
      `xcli: no rate limits seen yet for ${who} at ${resolved.apiBaseUrl}${filter ? ` matching '${filter}'` : ''}; they are kept from every API response\n`,
    );
    return;
  }
  const rows = entries.map((e) => {
    const daily = Object.entries(e.daily ?? {}).map(([k, w]) => `24h ${k}: ${w.remaining}/${w.limit}`);
    return [
      `${e.method} ${e.route}`,
      e.user ? `${e.auth} (${e.user})` : e.auth,
      `${e.remaining}/${e.limit}`,
      resetText(e, now),
      ageText(e, now),
      daily.join(', '),
    ];
  });
  const head = ['ROUTE', 'AUTH', 'LEFT', 'RESETS', 'SEEN', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  ctx.io.stdout.write(`${[line(head), ...rows.map(line)].join('\n')}\n`);
}

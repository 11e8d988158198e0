// `--timeout 90`, `90s`, `1.5m`, `500ms`: a duration in milliseconds (plain numbers are seconds).
import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(value: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new UsageError(`${flag} ${value}: expected a duration such as 90, 90s, 5m or 500ms`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']!);
}

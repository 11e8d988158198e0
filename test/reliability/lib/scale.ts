// `npm test` runs the reliability checks at modest counts; `npm run soak` (XCLI_SOAK=1) runs the same
// checks at large ones and collects the figures each test reports.
import { appendFileSync, readFileSync } from 'node:fs';

export const SOAK = process.env.XCLI_SOAK === '1';

/** The count for this run: the npm-test value, or the soak value under `npm run soak`. */
export function scaled(test: number, soak: number): number {
  return SOAK ? soak : test;
}

/** Per-test time limit: generous in soak runs, where counts are ten times larger. */
export function timeLimit(testMs: number): number {
  return SOAK ? testMs * 30 : testMs;
}

/** Hands a figure (events/s, p99…) to soak.mjs, which prints the table at the end. */
export function reportFigure(name: string, values: Record<string, number | string>): void {
  const file = process.env.XCLI_SOAK_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify({ name, ...values })}\n`);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Peak resident memory of a process in MiB (Linux /proc), or undefined elsewhere. */
export function peakRssMiB(pid: number | undefined): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : undefined;
  } catch {
    return undefined;
  }
}

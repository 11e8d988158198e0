import { describe, expect, it } from 'vitest';
import { evaluate, formatMarkdown, formatTable, median, pairedRatio, resultRow } from '../../bench/lib/report.mjs';

describe('bench report', () => {
  it('takes the median of odd and even samples', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });

  it('judges ratio and absolute targets in the right direction', () => {
    expect(evaluate(110, 100, { kind: 'ratio-max', value: 1.15 })).toEqual({ ratio: 1.1, pass: true });
    expect(evaluate(120, 100, { kind: 'ratio-max', value: 1.15 }).pass).toBe(false);
    expect(evaluate(90, 100, { kind: 'ratio-min', value: 0.85 }).pass).toBe(true);
    expect(evaluate(80, 100, { kind: 'ratio-min', value: 0.85 }).pass).toBe(false);
    expect(evaluate(100, undefined, { kind: 'abs-max', value: 120 })).toEqual({ ratio: null, pass: true });
    expect(evaluate(121, undefined, { kind: 'abs-max', value: 120 }).pass).toBe(false);
    expect(evaluate(1, 0, { kind: 'ratio-max', value: 2 }).pass).toBe(false);
  });

  it('pairs rounds: a machine changing speed between rounds does not move the ratio', () => {
    // A slow mode (18k) and a fast one (25k); the machine switched during the third pair of rounds.
    const baseline = [18_000, 18_000, 18_000, 25_000, 25_000];
    const xcli = [17_100, 17_100, 23_750, 23_750, 23_750];
    expect(pairedRatio(xcli, baseline)).toBeCloseTo(0.95, 5);
    expect(median(xcli) / median(baseline)).toBeCloseTo(1.32, 2);
    expect(() => pairedRatio([1], [1, 2])).toThrow();
    const row = resultRow({
      name: 'CRC',
      unit: 'req/s',
      xcli: median(xcli),
      baseline: median(baseline),
      ratio: pairedRatio(xcli, baseline),
      target: { kind: 'ratio-min', value: 0.85 },
    });
    expect(row).toMatchObject({ ratio: pairedRatio(xcli, baseline), pass: true });
  });

  it('shows reference rows (a bare program against the same baseline) without a verdict', () => {
    const row = resultRow({ name: '  node -e 0', unit: 'ms', xcli: 60, baseline: 50, target: { kind: 'reference' } });
    expect(row).toMatchObject({ ratio: 1.2, pass: null, target: 'reference' });
    expect(formatTable([row]).split('\n')[2]).toMatch(/node -e 0\s+60\.0 ms\s+50\.0 ms\s+1\.20×\s+reference\s+–$/);
    expect(formatMarkdown([row])).toContain('| 1.20× | reference | – |');
  });

  it('formats rows as aligned text and as markdown', () => {
    const rows = [
      resultRow({
        name: 'startup --version',
        unit: 'ms',
        xcli: 52.4,
        baseline: 48.1,
        target: { kind: 'ratio-max', value: 1.15 },
      }),
      resultRow({ name: 'stream memory', unit: 'MB', xcli: 70, target: { kind: 'abs-max', value: 120, unit: 'MB' } }),
    ];
    expect(rows[0]).toMatchObject({ case: 'startup --version', pass: true, target: '≤ 1.15×' });
    const text = formatTable(rows).split('\n');
    expect(text[0]).toMatch(/^case\s+xcli\s+baseline\s+ratio\s+target\s+pass$/);
    expect(text[2]).toMatch(/^startup --version\s+52\.4 ms\s+48\.1 ms\s+1\.09×\s+≤ 1\.15×\s+yes$/);
    expect(text[3]).toMatch(/stream memory\s+70\.0 MB\s+–\s+–\s+≤ 120 MB\s+yes/);
    expect(formatMarkdown(rows)).toContain('| startup --version | 52.4 ms | 48.1 ms | 1.09× | ≤ 1.15× | yes |');
  });
});

// Ratios, targets and the results table of `npm run bench`. Pure functions, tested in test/bench/.

/** Median of a list of numbers (mean of the middle two for even lengths). */
export function median(values) {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The median of xcli/baseline over rounds run back to back. These shared machines switch between
 * speed modes for seconds at a time (the same server measured 18.6k and 24.6k req/s); a round and
 * its neighbour share the mode, so their ratio holds where the ratio of two medians would not.
 */
export function pairedRatio(xcliFigures, baselineFigures) {
  if (xcliFigures.length !== baselineFigures.length) throw new Error('paired ratio of unequal lists');
  return median(xcliFigures.map((x, i) => x / baselineFigures[i]));
}

/**
 * A target is `{ kind: 'ratio-max' | 'ratio-min' | 'abs-max', value }`:
 * ratio-max: xcli/baseline must be ≤ value (times: lower is better);
 * ratio-min: xcli/baseline must be ≥ value (throughputs: higher is better);
 * abs-max: the xcli figure itself must be ≤ value (peak memory);
 * reference: no target; a row showing what a bare program reaches against the same baseline
 * (the floor a target is measured against), passing or failing nothing.
 */
export function evaluate(xcli, baseline, target, measuredRatio) {
  const ratio = measuredRatio ?? (baseline === undefined || baseline === null || baseline === 0 ? null : xcli / baseline);
  let pass;
  if (target.kind === 'reference') pass = null;
  else if (target.kind === 'abs-max') pass = xcli <= target.value;
  else if (ratio === null) pass = false;
  else if (target.kind === 'ratio-max') pass = ratio <= target.value;
  else if (target.kind === 'ratio-min') pass = ratio >= target.value;
  else throw new Error(`unknown target kind ${target.kind}`);
  return { ratio, pass };
}

export function describeTarget(target) {
  if (target.kind === 'reference') return 'reference';
  if (target.kind === 'abs-max') return `≤ ${target.value} ${target.unit ?? ''}`.trim();
  return `${target.kind === 'ratio-max' ? '≤' : '≥'} ${target.value}×`;
}

function figure(value, unit) {
  if (value === undefined || value === null) return '–';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`.trim();
}

/**
 * Builds one result row: what results.json holds for a case. `ratio`, when given, is the median of
 * paired rounds (see pairedRatio) and stands instead of the ratio of the two medians.
 */
export function resultRow({ name, unit, xcli, baseline, target, note, ratio: measuredRatio }) {
  const { ratio, pass } = evaluate(xcli, baseline, target, measuredRatio);
  return {
    case: name,
    unit,
    xcli,
    baseline: baseline ?? null,
    ratio,
    target: describeTarget(target),
    pass,
    ...(note ? { note } : {}),
  };
}

function passCell(pass, no) {
  return pass === null ? '–' : pass ? 'yes' : no;
}

/** A plain-text table of result rows, columns padded to fit. */
export function formatTable(rows) {
  const header = ['case', 'xcli', 'baseline', 'ratio', 'target', 'pass'];
  const lines = rows.map((r) => [
    r.case,
    figure(r.xcli, r.unit),
    figure(r.baseline, r.unit),
    r.ratio === null ? '–' : `${r.ratio.toFixed(2)}×`,
    r.target,
    passCell(r.pass, 'NO'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n');
}

/** A markdown table of the same rows, for the README's Performance section. */
export function formatMarkdown(rows) {
  const out = ['| case | xcli | baseline | ratio | target | pass |', '|---|---|---|---|---|---|'];
  for (const r of rows) {
    out.push(
      `| ${r.case} | ${figure(r.xcli, r.unit)} | ${figure(r.baseline, r.unit)} | ${r.ratio === null ? '–' : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${passCell(r.pass, 'no')} |`,
    );
  }
  return out.join('\n');
}

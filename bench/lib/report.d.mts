// Types of report.mjs for the type-checked tests (test/bench/).
export interface Target {
  kind: 'ratio-max' | 'ratio-min' | 'abs-max' | 'reference';
  value?: number;
  unit?: string;
}
export interface ResultRow {
  case: string;
  unit: string;
  xcli: number;
  baseline: number | null;
  ratio: number | null;
  target: string;
  pass: boolean | null;
  note?: string;
}
export function median(values: readonly number[]): number;
export function pairedRatio(xcliFigures: readonly number[], baselineFigures: readonly number[]): number;
export function evaluate(
  xcli: number,
  baseline: number | null | undefined,
  target: Target,
  measuredRatio?: number,
): { ratio: number | null; pass: boolean | null };
export function describeTarget(target: Target): string;
export function resultRow(row: {
  name: string;
  unit: string;
  xcli: number;
  baseline?: number | null;
  target: Target;
  note?: string;
  ratio?: number;
}): ResultRow;
export function formatTable(rows: readonly ResultRow[]): string;
export function formatMarkdown(rows: readonly ResultRow[]): string;

// X's error bodies (problem JSON, `errors[]`, legacy v1.1) reduced to one line for stderr.
import { STATUS_CODES } from 'node:http';

interface ProblemShape {
  type?: unknown;
  title?: unknown;
  detail?: unknown;
  errors?: unknown;
}

function parseObject(body: Buffer | string): ProblemShape | undefined {
  try {
    const value: unknown = JSON.parse(body.toString());
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as ProblemShape) : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

function firstError(problem: ProblemShape): Record<string, unknown> | undefined {
  const first: unknown = Array.isArray(problem.errors) ? problem.errors[0] : undefined;
  return first && typeof first === 'object' ? (first as Record<string, unknown>) : undefined;
}

/** The problem type's last segment (`usage-capped`, `client-forbidden`…), from `type` or `errors[0].type`. */
export function problemType(body: Buffer | string): string | undefined {
  const problem = parseObject(body);
  if (!problem) return undefined;
  const type = str(problem.type) ?? str(firstError(problem)?.type);
  return type?.replace(/\/+$/, '').split('/').pop();
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ');
/** Compared without case, spacing or final punctuation: X sends one reason with small differences. */
const comparable = (text: string): string =>
  oneLine(text)
    .toLowerCase()
    .replace(/[.!\s]+$/, '');

/** X's reason texts, each once: a part equal to the title or contained in another part is left out. */
function distinctParts(title: string, candidates: Array<string | undefined>): string[] {
  const parts = candidates.filter((p): p is string => p !== undefined).map(oneLine);
  const keys = parts.map(comparable);
  return parts.filter((_, i) => {
    const key = keys[i]!;
    if (key === comparable(title)) return false;
    return !keys.some((other, j) => j !== i && other.includes(key) && (other !== key || j < i));
  });
}

/**
 * `<status> <title>: <detail> [<errors[0].message>] (x-transaction-id: …)`, e.g.
 * `404 Not Found Error: Could not find tweet with id: [20].`. Capped so it stays one readable line.
 */
export function problemSummary(status: number, headers: Record<string, string>, body: Buffer | string): string {
  const problem = parseObject(body) ?? {};
  const first = firstError(problem);
  const title = oneLine(str(problem.title) ?? str(first?.title) ?? STATUS_CODES[status] ?? 'HTTP error');
  const parts = distinctParts(title, [str(problem.detail), str(first?.message), str(first?.detail)]);
  if (parts.length === 0 && !parseObject(body)) {
    const text = body.toString().trim();
    if (text && !text.startsWith('<') && text.length <= 200) parts.push(text);
  }
  let line = `${status} ${title}${parts.length ? `: ${parts.join(' ')}` : ''}`.replace(/\s+/g, ' ');
  if (line.length > 400) line = `${line.slice(0, 399)}…`;
  const txid = headers['x-transaction-id'];
  return txid ? `${line} (x-transaction-id: ${txid})` : line;
}

/**
 * One warning line for a successful response that also carries `errors[]` (X's partial success,
 * e.g. one of several ids not found): `200 with 1 error: resource-not-found: Could not find tweet…`.
 */
export function partialErrorsLine(status: number, body: Buffer | string): string | undefined {
  if (status >= 400) return undefined;
  const errors = parseObject(body)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const first = (errors[0] && typeof errors[0] === 'object' ? errors[0] : {}) as Record<string, unknown>;
  const type = str(first.type)?.replace(/\/+$/, '').split('/').pop() ?? str(first.title);
  const text = str(first.detail) ?? str(first.message) ?? '';
  let line =
    `${status} with ${errors.length} error${errors.length === 1 ? '' : 's'}: ${[type, text].filter(Boolean).join(': ')}`.replace(
      /\s+/g,
      ' ',
    );
  if (line.length > 300) line = `${line.slice(0, 299)}…`;
  return errors.length > 1 ? `${line} (and ${errors.length - 1} more in the body)` : line;
}

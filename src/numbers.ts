// Every whole-number flag (`--port`, `--max-pages`, `--retry`, `-n`, `--max-results`…) is read here, so
// they refuse the same things (1e3, 1.5, -1, 0x10) with the same one line naming the flag.
import { UsageError } from './errors.js';

/** A whole number within [min, max]; anything else is a usage error naming `flag`. */
export function parseWholeNumber(value: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} must be a whole number ${range}, got '${value}'`);
  }
  return n;
}

/** `parseWholeNumber` as a commander argParser. */
export function wholeNumber(flag: string, min: number, max?: number): (value: string) => number {
  return (value) => parseWholeNumber(value, flag, min, max);
}

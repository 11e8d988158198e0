// How `--user` values are spelled (no HTTP here, so flag parsing can use it).
import { UsageError } from '../errors.js';

const USER_ID = /^[0-9]{1,19}$/;
const HANDLE = /^@?([A-Za-z0-9_]{1,15})$/;

export type UserRef = { id: string } | { me: true } | { handle: string };

/** A numeric id, `@handle`, `handle`, `me` or `@me`. */
export function parseUserRef(input: string): UserRef {
  const value = input.trim();
  if (USER_ID.test(value)) return { id: value };
  if (value === 'me' || value === '@me') return { me: true };
  const handle = HANDLE.exec(value)?.[1];
  if (handle) return { handle };
  throw new UsageError(`'${input}' is not a user id or @handle (1-15 letters, digits or _)`);
}

export function isUserId(value: unknown): value is string {
  return typeof value === 'string' && USER_ID.test(value);
}

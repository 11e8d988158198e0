// `webhook start --subscribe TYPE:VALUE`: parsed and checked before the server starts, so a typo is
// a usage error (exit 2) and not a subscription that fails after registration. No HTTP code here:
// src/commands/webhook.ts imports this module while parsing flags.
import { UsageError } from '../errors.js';
import { lookupEventType } from './event-types.js';
import { parseUserRef } from './user-ref.js';

export interface SubscribeSpec {
  /** As the user typed it, for messages. */
  text: string;
  eventType: string;
  /** `@handle`, id or `me` (user_id types). */
  user?: string;
  /** news.new and other keyword types. */
  keyword?: string;
  /** A note for stderr when a retired or alias name was mapped. */
  note?: string;
}

/** `TYPE:@handle`, `TYPE:ID`, `TYPE` (meaning @me) or `news.new:KEYWORD`. */
export function parseSubscribeSpec(text: string): SubscribeSpec {
  const colon = text.indexOf(':');
  const typePart = colon < 0 ? text : text.slice(0, colon);
  const value = colon < 0 ? undefined : text.slice(colon + 1);
  const found = lookupEventType(typePart);
  if (!found.ok) throw new UsageError(`--subscribe ${text}: ${found.message}`);
  const { info } = found;
  const spec: SubscribeSpec = { text, eventType: info.name, note: found.note };
  if (info.filters[0] === 'keyword') {
    if (!value) throw new UsageError(`--subscribe ${text}: ${info.name} needs a keyword (${info.name}:KEYWORD)`);
    spec.keyword = value;
    return spec;
  }
  const user = value === undefined || value === '' ? 'me' : value;
  try {
    parseUserRef(user);
  } catch (error) {
    throw new UsageError(`--subscribe ${text}: ${(error as Error).message}`);
  }
  spec.user = user;
  return spec;
}

export function parseSubscribeSpecs(values: readonly string[] | undefined, register: boolean): SubscribeSpec[] {
  if (!values?.length) return [];
  if (!register) throw new UsageError('--subscribe needs --register (subscriptions point at the registered webhook)');
  return values.map(parseSubscribeSpec);
}

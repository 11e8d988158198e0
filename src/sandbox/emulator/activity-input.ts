// What an action in the sandbox hands to X Activity delivery (events.ts) and to the Account Activity
// payloads built from it (account-activity-payloads.ts).
export interface ActivityInput {
  /** The user the event is about (matched against `filter.user_id`). */
  userId: string;
  /** Who did it, when that is not `userId` (the liker of a like delivered to the post's author). */
  actorId?: string;
  payload: unknown;
  includes?: unknown;
  /** For DM and chat events: matched against `filter.direction`. */
  direction?: 'inbound' | 'outbound';
  /** Text matched against `filter.keyword` (news, posts). */
  text?: string;
}

// The readable terminal view of posts, users and DMs. Post text is hostile input: control and
// escape characters (and bidi overrides) are neutralised before it reaches the terminal.
import { terminalText } from '../terminal-text.js';

export type Shape = 'posts' | 'users' | 'dms';

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
}

const PLAIN: Style = { bold: (t) => t, dim: (t) => t };
const COLOR: Style = { bold: (t) => `\x1b[1m${t}\x1b[0m`, dim: (t) => `\x1b[2m${t}\x1b[0m` };

export function styleFor(color: boolean): Style {
  return color ? COLOR : PLAIN;
}

/** Text safe to show on a terminal (no escape sequences, carriage returns or bidi tricks); keeps line breaks. */
export function terminalSafe(text: string): string {
  return terminalText(text, { multiline: true });
}

type Json = Record<string, unknown>;

export interface Document {
  data?: unknown;
  includes?: { users?: Json[]; tweets?: Json[]; media?: Json[] };
  meta?: Json;
  errors?: Json[];
}

const str = (v: unknown): string => (typeof v === 'string' ? terminalSafe(v) : typeof v === 'number' ? String(v) : '');

function when(value: unknown): string {
  if (typeof value !== 'string') return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? terminalSafe(value) : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function metrics(m: unknown, names: Array<[string, string]>): string {
  if (!m || typeof m !== 'object') return '';
  const values = m as Json;
  return names
    .filter(([key]) => typeof values[key] === 'number')
    .map(([key, label]) => `${label} ${values[key] as number}`)
    .join('  ');
}

/** `[photo] https://…` for each attached media item found in `includes.media`. */
function mediaLines(post: Json, media: Map<string, Json>): string[] {
  const keys = (post.attachments as Json | undefined)?.media_keys;
  if (!Array.isArray(keys)) return [];
  return keys.map((key) => {
    const item = media.get(str(key));
    const link = str(item?.url) || str(item?.preview_image_url);
    const alt = str(item?.alt_text);
    return [`[${str(item?.type) || 'media'}]`, link, alt ? `"${alt}"` : ''].filter(Boolean).join(' ');
  });
}

function renderPost(
  post: Json,
  users: Map<string, Json>,
  style: Style,
  fallbackAuthor?: Json,
  media: Map<string, Json> = new Map(),
): string {
  const author = users.get(str(post.author_id)) ?? fallbackAuthor;
  const who = author
    ? `${style.bold(`@${str(author.username)}`)} ${style.dim(`(${str(author.name)})`)}`
    : style.bold(str(post.author_id) || 'unknown author');
  const refs = Array.isArray(post.referenced_tweets) ? (post.referenced_tweets as Json[]) : [];
  const reference = refs.map((r) => `${str(r.type).replace('_', ' ')} ${str(r.id)}`).join(', ');
  const head = [who, when(post.created_at), `id ${str(post.id)}`, reference].filter(Boolean).join(style.dim(' · '));
  const note = (post.note_tweet as Json | undefined)?.text;
  // A long post's whole text is in note_tweet (text stops at 280 characters).
  const lines = [head, indent(str(typeof note === 'string' ? note : post.text))];
  const article = post.article as Json | undefined;
  if (str(article?.title)) lines.push(indent(style.bold(`article: ${str(article!.title)}`)));
  for (const line of mediaLines(post, media)) lines.push(indent(style.dim(line)));
  const counts = metrics(post.public_metrics, [
    ['reply_count', 'replies'],
    ['retweet_count', 'reposts'],
    ['like_count', 'likes'],
    ['quote_count', 'quotes'],
    ['bookmark_count', 'bookmarks'],
    ['impression_count', 'views'],
  ]);
  if (counts) lines.push(indent(style.dim(counts)));
  return lines.join('\n');
}

function renderUser(user: Json, style: Style): string {
  const badges = [user.verified === true ? 'verified' : '', user.protected === true ? 'protected' : ''].filter(Boolean);
  const head = [`${style.bold(str(user.name))} @${str(user.username)}`, `id ${str(user.id)}`, ...badges].join(style.dim(' · '));
  const lines = [head];
  if (str(user.description)) lines.push(indent(str(user.description)));
  const counts = metrics(user.public_metrics, [
    ['followers_count', 'followers'],
    ['following_count', 'following'],
    ['tweet_count', 'posts'],
    ['like_count', 'likes'],
  ]);
  const joined = user.created_at ? `joined ${when(user.created_at).slice(0, 10)}` : '';
  const extra = [counts, joined].filter(Boolean).join('  ');
  if (extra) lines.push(indent(style.dim(extra)));
  return lines.join('\n');
}

function renderDm(event: Json, users: Map<string, Json>, style: Style): string {
  const sender = users.get(str(event.sender_id));
  const who = sender ? style.bold(`@${str(sender.username)}`) : style.bold(str(event.sender_id) || 'unknown sender');
  const parts = [who, when(event.created_at)];
  if (str(event.dm_conversation_id)) parts.push(`conversation ${str(event.dm_conversation_id)}`);
  const head = parts.filter(Boolean).join(style.dim(' · '));
  return [head, indent(str(event.text))].join('\n');
}

/** Renders a response document; `author` names the poster when the response has no user expansion. */
export function renderDocument(doc: Document, shape: Shape, style: Style, author?: Json): string {
  const items = Array.isArray(doc.data)
    ? (doc.data as Json[])
    : doc.data && typeof doc.data === 'object'
      ? [doc.data as Json]
      : [];
  const users = new Map((doc.includes?.users ?? []).map((u) => [str(u.id), u]));
  const media = new Map((doc.includes?.media ?? []).map((m) => [str(m.media_key), m]));
  if (items.length === 0) return `no ${shape === 'dms' ? 'messages' : shape}\n`;
  const blocks = items.map((item) =>
    shape === 'posts'
      ? renderPost(item, users, style, author, media)
      : shape === 'users'
        ? renderUser(item, style)
        : renderDm(item, users, style),
  );
  const next =
    typeof doc.meta?.next_token === 'string' ? `\n\n${style.dim(`more: --next-token ${str(doc.meta.next_token)}`)}` : '';
  return `${blocks.join('\n\n')}${next}\n`;
}

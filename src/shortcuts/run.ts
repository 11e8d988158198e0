// The shortcut commands: xurl's endpoints, fields and clamps, with ids validated and escaped, the
// caller's id cached, pages followed past 100, and a readable view on a terminal.
import type { Context } from '../context.js';
import { FailureError, UsageError } from '../errors.js';
import { parseWholeNumber } from '../numbers.js';
import { ApiError, callApi, printApiError } from '../http/api.js';
import { fieldParams, mergeFieldParams } from '../http/fields.js';
import { wantsJson, writeBody } from '../http/output.js';
import { matchRoute } from '../http/routes.js';
import { openSession, type ApiSession } from '../http/session.js';
import type { ApiResult } from '../http/types.js';
import { readAll } from '../io.js';
import { needsProcessing } from '../media/detect.js';
import { uploadOptions } from '../media/run.js';
import { prepareUpload, sendUpload, type PreparedUpload } from '../media/upload.js';
import { parseCount, parsePostId, parseUsername } from './ids.js';
import { myUserId, rememberMe } from './me.js';
import { fetchList } from './paging.js';
import { watchList } from './watch.js';
import { renderDocument, styleFor, terminalSafe, type Document, type Shape } from './render.js';

export interface OutputFlags {
  json?: boolean;
}

export interface ListFlags extends OutputFlags {
  maxResults?: string;
  nextToken?: string;
}

/** search, timeline, mentions and posts: X's time and id bounds, the fields sugar, and --watch. */
export interface TimelineFlags extends ListFlags {
  sinceId?: string;
  untilId?: string;
  startTime?: string;
  endTime?: string;
  fields?: string[];
  expand?: string[];
  watch?: boolean;
}

const USER_FIELDS = 'created_at,description,public_metrics,verified,verified_type,subscription_type,profile_image_url';
// Full text: a long post's text is in note_tweet (text is cut at 280), an article's in article.
const READ_TWEET_FIELDS =
  'created_at,public_metrics,conversation_id,in_reply_to_user_id,referenced_tweets,entities,attachments,author_id,note_tweet,article';
const LIST_TWEET_FIELDS = 'created_at,public_metrics,conversation_id,entities,attachments,author_id,note_tweet,article';
const SAVED_TWEET_FIELDS = 'created_at,public_metrics,entities,attachments,author_id,note_tweet,article';
const MEDIA_FIELDS = 'type,url,preview_image_url,alt_text,width,height,duration_ms';
/** Who wrote each post and what media it carries. */
const POST_EXPANSIONS = 'author_id,attachments.media_keys';
const GRAPH_USER_FIELDS = 'created_at,description,public_metrics,verified';

/** Opens one session (with the API options of this run) and shows X's error the standard way (body on stdout, summary on stderr). */
async function withSession(ctx: Context, work: (session: ApiSession) => Promise<void>): Promise<void> {
  const session = await openSession(ctx, ctx.api);
  try {
    await work(session);
  } catch (error) {
    if (error instanceof ApiError) throw printApiError(ctx, error);
    throw error;
  }
}

/** X's first error in one line (its detail, else message or title). */
function firstError(doc: Document | undefined): string | undefined {
  if (!Array.isArray(doc?.errors) || doc.errors.length === 0) return undefined;
  const first = doc.errors[0] as { detail?: unknown; message?: unknown; title?: unknown };
  return String(first.detail ?? first.message ?? first.title ?? 'X returned errors and no data');
}

/** A 200 whose `errors[]` replaced the data (a missing post or user) is a failure. */
function failOnMissing(doc: Document): void {
  const reason = doc.data === undefined ? firstError(doc) : undefined;
  if (reason !== undefined) throw new FailureError(reason);
}

/** Prints a document: the readable view on a terminal, else (or with --json) X's JSON. */
function emit(
  ctx: Context,
  flags: OutputFlags,
  raw: Buffer,
  doc: Document,
  shape: Shape,
  author?: Record<string, unknown>,
): void {
  if (!wantsJson(ctx, flags.json)) ctx.io.stdout.write(renderDocument(doc, shape, styleFor(ctx.io.colorStdout), author));
  else writeBody(ctx, raw, 'application/json', 'auto', true);
  failOnMissing(doc);
}

/** What a change (like, follow, delete…) reports when it happened, and how to say it did or did not. */
interface Action {
  done: string;
  /** e.g. `liked post 20`, for "X did not …". */
  what: string;
  happened(data: Record<string, unknown>): boolean;
}

/** Expects `data[field] === value` (X's answer to a like, follow, delete… states the new relation). */
function stateIs(field: string, value: boolean, done: string, what: string): Action {
  return { done, what, happened: (data) => data[field] === value };
}

/**
 * Prints the answer to a change: one line on a terminal, else X's JSON. A change that did not
 * happen (X's `errors[]` instead of data, or data stating the old relation) fails with X's reason
 * (exit 1), as `read` does for a missing post.
 */
function emitAction(ctx: Context, flags: OutputFlags, result: ApiResult<Document>, action: Action): void {
  const data = result.json?.data as Record<string, unknown> | undefined;
  const failure = failureOf(result.json, data, action);
  if (!wantsJson(ctx, flags.json)) {
    if (failure === undefined) ctx.io.stdout.write(`${action.done}${data && stateOf(data) ? ` (${stateOf(data)})` : ''}\n`);
  } else writeBody(ctx, result.raw, 'application/json', 'auto', true);
  if (failure !== undefined) throw new FailureError(failure);
}

function failureOf(doc: Document | undefined, data: Record<string, unknown> | undefined, action: Action): string | undefined {
  if (data !== undefined && action.happened(data)) return undefined;
  return (
    firstError(doc) ??
    (data === undefined ? `X's answer does not confirm it: ${action.what}` : `X did not ${action.what} (${stateOf(data)})`)
  );
}

function stateOf(data: Record<string, unknown>): string {
  return Object.entries(data)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ');
}

async function call(
  ctx: Context,
  session: ApiSession,
  method: string,
  path: string,
  extra: { query?: Record<string, string>; json?: unknown } = {},
) {
  return callApi<Document>(ctx, session.globals, { method, path, ...extra }, session);
}

const seg = encodeURIComponent;

interface FoundUser {
  id: string;
  user: Record<string, unknown>;
}

async function lookupUser(ctx: Context, session: ApiSession, username: string, fields?: string): Promise<FoundUser> {
  const result = await call(
    ctx,
    session,
    'GET',
    `/2/users/by/username/${seg(username)}`,
    fields ? { query: { 'user.fields': fields } } : {},
  );
  const user = result.json?.data as Record<string, unknown> | undefined;
  if (!user || typeof user.id !== 'string') {
    const detail = (result.json?.errors?.[0] as { detail?: string } | undefined)?.detail;
    throw new FailureError(`could not look up user @${username}${detail ? `: ${detail}` : ''}`);
  }
  return { id: user.id, user };
}

// ---- posting ----

export interface PostFlags extends OutputFlags {
  media?: string[];
  /** Alt texts, in the order of the `--media` files. */
  alt?: string[];
  mediaId?: string[];
  poll?: string;
  pollMinutes?: string;
  thread?: boolean;
}

interface Attachments {
  files: string[];
  alts: string[];
  mediaIds: string[];
  poll?: { options: string[]; duration_minutes: number };
}

function parsePoll(flags: PostFlags): Attachments['poll'] {
  if (flags.poll === undefined) {
    if (flags.pollMinutes !== undefined) throw new UsageError('--poll-minutes needs --poll "choice one,choice two"');
    return undefined;
  }
  const options = flags.poll.split(',').map((o) => o.trim());
  if (options.length < 2 || options.length > 4 || options.some((o) => o.length < 1 || [...o].length > 25)) {
    throw new UsageError('--poll takes 2 to 4 comma-separated choices of 1-25 characters each');
  }
  const minutes = flags.pollMinutes === undefined ? 1440 : parseWholeNumber(flags.pollMinutes, '--poll-minutes', 5, 10080);
  return { options, duration_minutes: minutes };
}

function attachmentsOf(flags: PostFlags): Attachments {
  const files = flags.media ?? [];
  const alts = flags.alt ?? [];
  if (alts.length > files.length)
    throw new UsageError('--alt describes a --media file: give at most one --alt per --media, in the same order');
  const mediaIds = (flags.mediaId ?? []).map((id) => {
    if (!/^\d{1,19}$/.test(id.trim())) throw new UsageError(`--media-id ${id}: expected a media id (digits)`);
    return id.trim();
  });
  if (files.length + mediaIds.length > 4) throw new UsageError('a post takes at most 4 media (--media and --media-id together)');
  const poll = parsePoll(flags);
  if (poll && files.length + mediaIds.length > 0) throw new UsageError('a post can have media or a poll, not both');
  return { files, alts, mediaIds, poll };
}

/** Opens and checks every file before anything is uploaded: a GIF or video must be a post's only media. */
async function prepareFiles(ctx: Context, attachments: Attachments): Promise<PreparedUpload[]> {
  const prepared: PreparedUpload[] = [];
  const options = uploadOptions(ctx, {});
  try {
    for (const [i, file] of attachments.files.entries())
      prepared.push(await prepareUpload(ctx, file, { ...options, altText: attachments.alts[i] }));
  } catch (error) {
    await Promise.all(prepared.map((p) => p.close()));
    throw error;
  }
  const motion = prepared.find((p) => needsProcessing(p.category));
  if (motion && prepared.length + attachments.mediaIds.length > 1) {
    await Promise.all(prepared.map((p) => p.close()));
    throw new UsageError(
      `${motion.file} is a ${motion.mediaType === 'image/gif' ? 'GIF' : 'video'}; X allows one GIF or video per post, with no other media`,
    );
  }
  return prepared;
}

/** Uploads the files (waiting for video processing); returns their ids, then the `--media-id` ones. */
async function uploadAll(ctx: Context, session: ApiSession, prepared: PreparedUpload[], mediaIds: string[]): Promise<string[]> {
  const ids: string[] = [];
  const options = uploadOptions(ctx, {});
  for (const upload of prepared) ids.push((await sendUpload(ctx, session, upload, options)).id);
  return [...ids, ...mediaIds];
}

interface PostParts {
  text: string;
  mediaIds?: string[];
  poll?: Attachments['poll'];
  replyTo?: string;
  quoteOf?: string;
}

export function postBody(parts: PostParts): Record<string, unknown> {
  const body: Record<string, unknown> = { text: parts.text };
  if (parts.mediaIds?.length) body.media = { media_ids: parts.mediaIds };
  if (parts.poll) body.poll = parts.poll;
  if (parts.replyTo) body.reply = { in_reply_to_tweet_id: parts.replyTo };
  if (parts.quoteOf) body.quote_tweet_id = parts.quoteOf;
  return body;
}

async function createPost(ctx: Context, session: ApiSession, flags: OutputFlags, parts: PostParts): Promise<string> {
  const result = await call(ctx, session, 'POST', '/2/tweets', { json: postBody(parts) });
  const data = result.json?.data as { id?: string; text?: string } | undefined;
  if (!wantsJson(ctx, flags.json)) {
    if (typeof data?.id === 'string')
      ctx.io.stdout.write(
        `posted https://x.com/i/status/${data.id}\n${terminalSafe(data.text ?? parts.text).replace(/^/gm, '  ')}\n`,
      );
  } else writeBody(ctx, result.raw, 'application/json', 'auto', true);
  if (typeof data?.id !== 'string') throw new FailureError(firstError(result.json) ?? 'X accepted the post but returned no id');
  return data.id;
}

/** Splits `post --thread` input: on lines that are `---` when there are any, else on blank lines. */
export function splitThread(input: string): string[] {
  const text = input.replace(/\r\n/g, '\n');
  const parts = /^---[ \t]*$/m.test(text) ? text.split(/^---[ \t]*$/m) : text.split(/\n[ \t]*\n/);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

async function publish(ctx: Context, flags: PostFlags, texts: string[], base: Omit<PostParts, 'text'>): Promise<void> {
  const attachments = attachmentsOf(flags);
  const prepared = await prepareFiles(ctx, attachments);
  // Files not sent (an earlier upload or the session failed) are closed here; closing twice is harmless.
  const closeAll = () => Promise.all(prepared.map((p) => p.close()));
  await withSession(ctx, async (session) => {
    const mediaIds = await uploadAll(ctx, session, prepared, attachments.mediaIds);
    let previous: string | undefined;
    for (let i = 0; i < texts.length; i++) {
      const parts: PostParts =
        i === 0 ? { ...base, text: texts[0]!, mediaIds, poll: attachments.poll } : { text: texts[i]!, replyTo: previous };
      try {
        previous = await createPost(ctx, session, flags, parts);
      } catch (error) {
        if (i > 0)
          ctx.io.stderr.write(
            `xcli: post ${i + 1} of ${texts.length} failed; ${i === 1 ? 'post 1 is' : `posts 1-${i} are`} published (continue with 'xcli reply ${previous} TEXT')\n`,
          );
        throw error;
      }
    }
  }).finally(closeAll);
}

export type PostOptions = PostFlags & { text?: string };

export async function runPost(ctx: Context, flags: PostOptions): Promise<void> {
  const { text } = flags;
  let texts: string[];
  if (flags.thread) {
    if (text !== undefined) throw new UsageError('--thread reads the posts from stdin; drop the text argument');
    if (ctx.io.isStdinTTY)
      ctx.io.stderr.write('xcli: reading the thread from stdin (separate posts with a blank line or ---; end with Ctrl-D)\n');
    texts = splitThread((await readAll(ctx.io.stdin)).toString('utf8'));
    if (texts.length === 0) throw new UsageError('--thread: stdin has no posts');
  } else {
    const hasMedia = (flags.media?.length ?? 0) + (flags.mediaId?.length ?? 0) > 0;
    // `echo hi | xcli post`: piped stdin is the text (its final newline is not part of the post). Not with
    // media alone, so a media-only post from a script whose stdin stays open does not wait on it.
    const body =
      text === undefined && !hasMedia && !ctx.io.isStdinTTY
        ? (await readAll(ctx.io.stdin)).toString('utf8').replace(/\r?\n$/, '')
        : text;
    if ((body === undefined || body.trim() === '') && !hasMedia)
      throw new UsageError('nothing to post: give the text (on stdin too), or --media FILE, or --thread with the posts on stdin');
    texts = [body ?? ''];
  }
  await publish(ctx, flags, texts, {});
}

/** reply and quote: a post and the text that answers or quotes it. */
export type ReplyOptions = PostFlags & { target: string; text: string };

export async function runReply(ctx: Context, flags: ReplyOptions): Promise<void> {
  await publish(ctx, flags, [flags.text], { replyTo: parsePostId(flags.target) });
}

export async function runQuote(ctx: Context, flags: ReplyOptions): Promise<void> {
  await publish(ctx, flags, [flags.text], { quoteOf: parsePostId(flags.target) });
}

/** delete, read, user: one post or user. */
export type TargetOptions = OutputFlags & { target: string };

export async function runDelete(ctx: Context, flags: TargetOptions): Promise<void> {
  const id = parsePostId(flags.target);
  await withSession(ctx, async (session) =>
    emitAction(
      ctx,
      flags,
      await call(ctx, session, 'DELETE', `/2/tweets/${seg(id)}`),
      stateIs('deleted', true, `deleted post ${id}`, `delete post ${id}`),
    ),
  );
}

// ---- engagement with a post: like, repost, bookmark ----

/** POST /2/users/<me>/<collection> with the target ({ tweet_id } or { target_user_id }), or DELETE …/<collection>/<its id> to undo. */
function setEdge(
  ctx: Context,
  session: ApiSession,
  me: string,
  collection: string,
  target: Record<string, string>,
  undo: boolean,
) {
  const [id] = Object.values(target);
  return undo
    ? call(ctx, session, 'DELETE', `/2/users/${seg(me)}/${collection}/${seg(id!)}`)
    : call(ctx, session, 'POST', `/2/users/${seg(me)}/${collection}`, { json: target });
}

const POST_EDGES = {
  like: { collection: 'likes', state: 'liked', verb: 'like', done: 'liked', undone: 'unliked' },
  repost: { collection: 'retweets', state: 'retweeted', verb: 'repost', done: 'reposted', undone: 'unreposted' },
  bookmark: {
    collection: 'bookmarks',
    state: 'bookmarked',
    verb: 'bookmark',
    done: 'bookmarked',
    undone: 'removed the bookmark of',
  },
} as const;

export type PostEdge = keyof typeof POST_EDGES;

export type PostEdgeOptions = TargetOptions & { edge: PostEdge; undo: boolean };

export async function runPostEdge(ctx: Context, flags: PostEdgeOptions): Promise<void> {
  const { edge, undo } = flags;
  const id = parsePostId(flags.target);
  const { collection, state, verb, done, undone } = POST_EDGES[edge];
  await withSession(ctx, async (session) => {
    const me = await myUserId(ctx, session);
    const result = await setEdge(ctx, session, me, collection, { tweet_id: id }, undo);
    emitAction(
      ctx,
      flags,
      result,
      stateIs(state, !undo, `${undo ? undone : done} post ${id}`, `${undo ? 'un' : ''}${verb} post ${id}`),
    );
  });
}

// ---- relations with a user: follow, block, mute ----

const USER_EDGES = {
  follow: { collection: 'following', state: 'following', done: 'following', undone: 'unfollowed' },
  block: { collection: 'blocking', state: 'blocking', done: 'blocked', undone: 'unblocked' },
  mute: { collection: 'muting', state: 'muting', done: 'muted', undone: 'unmuted' },
} as const;

export type UserEdge = keyof typeof USER_EDGES;

export type UserEdgeOptions = TargetOptions & { edge: UserEdge; undo: boolean };

export async function runUserEdge(ctx: Context, flags: UserEdgeOptions): Promise<void> {
  const { edge, undo } = flags;
  const username = parseUsername(flags.target);
  const { collection, state, done, undone } = USER_EDGES[edge];
  await withSession(ctx, async (session) => {
    const me = await myUserId(ctx, session);
    const { id } = await lookupUser(ctx, session, username);
    const result = await setEdge(ctx, session, me, collection, { target_user_id: id }, undo);
    const action = stateIs(state, !undo, `${undo ? undone : done} @${username}`, `${undo ? 'un' : ''}${edge} @${username}`);
    // Following a protected account is a request the owner approves: pending_follow is success.
    if (edge === 'follow' && !undo) action.happened = (data) => data.following === true || data.pending_follow === true;
    emitAction(ctx, flags, result, action);
  });
}

// ---- reading ----

export async function runRead(ctx: Context, flags: TargetOptions): Promise<void> {
  const id = parsePostId(flags.target);
  await withSession(ctx, async (session) => {
    const result = await call(ctx, session, 'GET', `/2/tweets/${seg(id)}`, {
      query: {
        'tweet.fields': READ_TWEET_FIELDS,
        expansions: `${POST_EXPANSIONS},referenced_tweets.id`,
        'user.fields': 'username,name,verified',
        'media.fields': MEDIA_FIELDS,
      },
    });
    emit(ctx, flags, result.raw, result.json ?? {}, 'posts');
  });
}

/** A list shortcut's `-n`, clamped to the route's range, and where paging starts. */
function listSpan(flags: ListFlags, min: number, max: number) {
  return { count: flags.maxResults === undefined ? 10 : parseCount(flags.maxResults), min, max, pageToken: flags.nextToken };
}

async function list(
  ctx: Context,
  session: ApiSession,
  flags: ListFlags,
  path: string,
  query: Record<string, string>,
  range: [number, number],
  shape: Shape,
  author?: Record<string, unknown>,
) {
  const { raw, doc } = await fetchList(ctx, session, { path, query, ...listSpan(flags, range[0], range[1]) });
  emit(ctx, flags, raw, doc, shape, author);
}

/** Parses `--start-time`/`--end-time`: any date Date understands, sent as X's ISO 8601 (seconds, UTC). */
function timeBound(flag: string, value: string): string {
  const date = new Date(value);
  if (!/\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime()))
    throw new UsageError(`${flag} '${value}': expected a date and time such as 2026-11-01T12:00:00Z`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** X's id and time bounds from the flags, checked (callers that look a user up first check them before). */
function timelineBounds(flags: TimelineFlags): Record<string, string> {
  const bounds: Record<string, string> = {};
  if (flags.sinceId !== undefined) bounds.since_id = parsePostId(flags.sinceId);
  if (flags.untilId !== undefined) bounds.until_id = parsePostId(flags.untilId);
  if (flags.startTime !== undefined) bounds.start_time = timeBound('--start-time', flags.startTime);
  if (flags.endTime !== undefined) bounds.end_time = timeBound('--end-time', flags.endTime);
  if (flags.watch && (flags.nextToken !== undefined || flags.untilId !== undefined || flags.endTime !== undefined))
    throw new UsageError('--watch looks for new posts: it cannot be combined with --next-token, --until-id or --end-time');
  return bounds;
}

/** The query of a timeline-like list: X's bounds from the flags, then the --fields/--expand sugar. */
function timelineQuery(flags: TimelineFlags, path: string, base: Record<string, string>): Record<string, string> {
  const query = { ...base, ...timelineBounds(flags) };
  return mergeFieldParams(query, fieldParams(flags.fields, flags.expand, matchRoute('GET', path)));
}

/** Lists a timeline-like route, or with --watch polls it for new posts. */
async function timelineList(
  ctx: Context,
  session: ApiSession,
  flags: TimelineFlags,
  path: string,
  base: Record<string, string>,
  range: [number, number],
  author?: Record<string, unknown>,
): Promise<void> {
  const query = timelineQuery(flags, path, base);
  if (!flags.watch) return list(ctx, session, flags, path, query, range, 'posts', author);
  const { since_id: sinceId, ...rest } = query;
  await watchList(ctx, session, { path, query: rest, maxResults: range[1], sinceId });
}

export type SearchOptions = TimelineFlags & { query: string };

export async function runSearch(ctx: Context, flags: SearchOptions): Promise<void> {
  const { query } = flags;
  if (query.trim() === '') throw new UsageError('search needs a query');
  await withSession(ctx, (session) =>
    timelineList(
      ctx,
      session,
      flags,
      '/2/tweets/search/recent',
      {
        query,
        'tweet.fields': LIST_TWEET_FIELDS,
        expansions: POST_EXPANSIONS,
        'user.fields': 'username,name,verified',
        'media.fields': MEDIA_FIELDS,
      },
      [10, 100],
    ),
  );
}

export type PostsOptions = TimelineFlags & { target: string };

export async function runPosts(ctx: Context, flags: PostsOptions): Promise<void> {
  const username = parseUsername(flags.target);
  timelineBounds(flags);
  await withSession(ctx, async (session) => {
    const { id, user } = await lookupUser(ctx, session, username);
    await timelineList(
      ctx,
      session,
      flags,
      `/2/users/${seg(id)}/tweets`,
      { 'tweet.fields': LIST_TWEET_FIELDS, expansions: `${POST_EXPANSIONS},referenced_tweets.id`, 'media.fields': MEDIA_FIELDS },
      [5, 100],
      user,
    );
  });
}

const MY_LISTS = {
  timeline: { path: 'timelines/reverse_chronological', fields: LIST_TWEET_FIELDS, range: [1, 100] },
  mentions: { path: 'mentions', fields: LIST_TWEET_FIELDS, range: [5, 100] },
  bookmarks: { path: 'bookmarks', fields: SAVED_TWEET_FIELDS, range: [1, 100] },
  likes: { path: 'liked_tweets', fields: SAVED_TWEET_FIELDS, range: [5, 100] },
} as const;

export type MyList = keyof typeof MY_LISTS;

export type MyListOptions = TimelineFlags & { which: MyList };

export async function runMyList(ctx: Context, flags: MyListOptions): Promise<void> {
  const { which } = flags;
  const { path, fields, range } = MY_LISTS[which];
  const bounded = which === 'timeline' || which === 'mentions';
  if (bounded) timelineBounds(flags);
  await withSession(ctx, async (session) => {
    const me = seg(await myUserId(ctx, session));
    const query = {
      'tweet.fields': fields,
      expansions: POST_EXPANSIONS,
      'user.fields': 'username,name',
      'media.fields': MEDIA_FIELDS,
    };
    if (bounded) await timelineList(ctx, session, flags, `/2/users/${me}/${path}`, query, [range[0], range[1]]);
    else await list(ctx, session, flags, `/2/users/${me}/${path}`, query, [range[0], range[1]], 'posts');
  });
}

export type GraphOptions = ListFlags & { which: 'following' | 'followers'; of?: string };

export async function runGraph(ctx: Context, flags: GraphOptions): Promise<void> {
  const { which } = flags;
  const of = flags.of === undefined ? undefined : parseUsername(flags.of);
  await withSession(ctx, async (session) => {
    const id = of === undefined ? await myUserId(ctx, session) : (await lookupUser(ctx, session, of)).id;
    await list(ctx, session, flags, `/2/users/${seg(id)}/${which}`, { 'user.fields': GRAPH_USER_FIELDS }, [1, 1000], 'users');
  });
}

export async function runWhoami(ctx: Context, flags: OutputFlags): Promise<void> {
  await withSession(ctx, async (session) => {
    const result = await call(ctx, session, 'GET', '/2/users/me', { query: { 'user.fields': USER_FIELDS } });
    await rememberMe(ctx, session, result.json?.data);
    emit(ctx, flags, result.raw, result.json ?? {}, 'users');
  });
}

export async function runUser(ctx: Context, flags: TargetOptions): Promise<void> {
  const username = parseUsername(flags.target);
  await withSession(ctx, async (session) => {
    const result = await call(ctx, session, 'GET', `/2/users/by/username/${seg(username)}`, {
      query: { 'user.fields': USER_FIELDS },
    });
    emit(ctx, flags, result.raw, result.json ?? {}, 'users');
  });
}

// ---- direct messages ----

export type DmOptions = TargetOptions & { text: string };

export async function runDm(ctx: Context, flags: DmOptions): Promise<void> {
  const { text } = flags;
  const username = parseUsername(flags.target);
  if (text.trim() === '') throw new UsageError('dm needs a message text');
  await withSession(ctx, async (session) => {
    const { id } = await lookupUser(ctx, session, username);
    const sent: Action = {
      done: `sent a message to @${username}`,
      what: `message @${username}`,
      happened: (data) => typeof data.dm_event_id === 'string',
    };
    emitAction(
      ctx,
      flags,
      await call(ctx, session, 'POST', `/2/dm_conversations/with/${seg(id)}/messages`, { json: { text } }),
      sent,
    );
  });
}

export async function runDms(ctx: Context, flags: ListFlags): Promise<void> {
  await withSession(ctx, (session) =>
    list(
      ctx,
      session,
      flags,
      '/2/dm_events',
      {
        'dm_event.fields': 'created_at,dm_conversation_id,sender_id,text',
        expansions: 'sender_id',
        'user.fields': 'username,name',
      },
      [1, 100],
      'dms',
    ),
  );
}

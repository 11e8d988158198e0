// Issue 17: no 5xx from the sandbox's own bugs, ever. A seeded run of random requests (paths of X's
// description and made-up ones, queries, credentials, content types and bodies) against a real
// sandbox on 127.0.0.1; every answer must be below 500 and in X's shape. Bounded in count, so it
// takes a few seconds; XCLI_FUZZ_SEED and XCLI_FUZZ_COUNT replay or widen a run.
import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes, type AuthKind } from '../../src/http/routes.js';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';
import { prng } from '../helpers/prng.js';

const SEED = Number(process.env.XCLI_FUZZ_SEED ?? 20261207);
const COUNT = Number(process.env.XCLI_FUZZ_COUNT ?? 300);

let fake: FakeX;
beforeAll(async () => {
  fake = await startFakeX({ log: () => undefined, defaultRateLimit: 100_000 });
});
afterAll(() => fake.close());

/** Routes the sandbox serves beyond X's description. */
const EXTRA_ROUTES = [
  ['GET', '/i/oauth2/authorize'],
  ['POST', '/2/oauth2/token'],
  ['POST', '/2/oauth2/revoke'],
  ['POST', '/oauth2/token'],
  ['GET', '/_sandbox/status'],
  ['GET', '/_sandbox/deliveries'],
  ['POST', '/2/tweets/search/stream/webhooks/{webhook_id}'],
  ['POST', '/2/users/{id}/blocking'],
  ['DELETE', '/2/users/{source_user_id}/blocking/{target_user_id}'],
].map(([method, path]) => ({
  method: method!,
  path: path!,
  auth: [] as AuthKind[],
  query: [] as string[],
  required: [] as string[],
}));
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
const PARAM_NAMES = [
  'ids',
  'usernames',
  'query',
  'max_results',
  'pagination_token',
  'next_token',
  'tweet.fields',
  'post.fields',
  'user.fields',
  'media.fields',
  'expansions',
  'start_time',
  'end_time',
  'since_id',
  'until_id',
  'sort_order',
  'granularity',
  'backfill_minutes',
  'exclude',
  'grant_type',
  'code',
  'client_id',
  'foo',
];
const BODY_KEYS = [
  'text',
  'reply',
  'quote_tweet_id',
  'media',
  'poll',
  'tweet_id',
  'target_user_id',
  'user_id',
  'list_id',
  'name',
  'hidden',
  'url',
  'webhook_id',
  'from_date',
  'to_date',
  'add',
  'delete',
  'value',
  'filter',
  'event_type',
  'media_type',
  'total_bytes',
  'grant_type',
  'in_reply_to_tweet_id',
  'options',
  'duration_minutes',
  'media_ids',
];

describe('the sandbox under random input', () => {
  it(`answers ${COUNT} random requests (seed ${SEED}) below 500, in X's shape`, async () => {
    const random = prng(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const chance = (p: number) => random() < p;
    const posts = [...fake.sandbox.state.posts.keys()];
    const users = [...fake.sandbox.state.users.keys()];
    const scalar = (): string =>
      pick([
        () => pick(posts),
        () => pick(users),
        () => String(Math.floor(random() * 2000) - 500),
        () => 'author_id,public_metrics',
        () => 'no_such_field',
        () => '%E0%A4%A',
        () => '%',
        () => 'ü💥\u0000',
        () => 'a'.repeat(Math.floor(random() * 600)),
        () => '2026-01-01T00:00:00Z',
        () => 'from:XDevelopers OR (hello -world',
        () => '',
        () => 'sandbox_dev',
        () => '..',
      ])();
    const value = (depth: number): unknown =>
      pick([
        () => scalar(),
        () => Math.floor(random() * 10_000) - 100,
        () => random() < 0.5,
        () => null,
        () => (depth > 2 ? [] : Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1))),
        () =>
          depth > 2
            ? {}
            : Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick(BODY_KEYS), value(depth + 1)])),
      ])();
    const routes = [
      ...allRoutes().map((r) => ({
        method: r.method,
        path: r.path,
        auth: r.auth,
        query: r.params.filter((p) => p.in === 'query').map((p) => p.name),
        required: r.params.filter((p) => p.in === 'query' && p.required).map((p) => p.name),
      })),
      ...EXTRA_ROUTES,
    ];
    const credentials = fake.sandbox.credentials;
    const userToken = `Bearer ${fake.sandbox.mintUserToken().access_token}`;
    const oauth = new OAuth({
      consumer: { key: credentials.consumerKey, secret: credentials.consumerSecret },
      signature_method: 'HMAC-SHA1',
      hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
    });
    /** Mostly values a route could take (ids that exist, known fields), sometimes anything. */
    const plausible = (name: string): string =>
      chance(0.15)
        ? scalar()
        : name.endsWith('fields')
          ? pick(['id', 'author_id,public_metrics', 'created_at,description', 'note_tweet,lang'])
          : name === 'expansions'
            ? pick(['author_id', 'referenced_tweets.id', 'attachments.media_keys,geo.place_id', 'most_recent_tweet_id'])
            : name === 'max_results'
              ? String(pick([5, 10, 50, 100, 1000]))
              : /ids$/.test(name)
                ? pick(posts)
                : name === 'query'
                  ? pick(['hello', 'from:XDevelopers', 'sandbox OR twttr'])
                  : scalar();

    const failures: string[] = [];
    for (let i = 0; i < COUNT && failures.length < 5; i++) {
      const route = pick(routes);
      const method = chance(0.9) ? route.method : pick(METHODS);
      const path = chance(0.9)
        ? route.path.replace(/\{[^}]+\}/g, () =>
            chance(0.75) ? pick([...posts, ...users]) : encodeURIComponent(scalar()) || 'x',
          )
        : `/${Array.from({ length: 1 + Math.floor(random() * 4) }, () => encodeURIComponent(scalar())).join('/')}`;
      const names = [
        ...route.required.filter(() => chance(0.9)),
        ...Array.from({ length: Math.floor(random() * 3) }, () =>
          route.query.length && chance(0.85) ? pick(route.query) : pick(PARAM_NAMES),
        ),
      ];
      const query = names.map((name) => `${name}=${chance(0.03) ? '%E0%A4%A' : encodeURIComponent(plausible(name))}`).join('&');
      const url = `${fake.url}${path}${query ? `?${query}` : ''}`;
      const headers: Record<string, string> = {};
      const kinds = { bearer: 'bearer', oauth2: 'user', oauth1: 'oauth1' } as const;
      const auth =
        route.auth.length && chance(0.7)
          ? kinds[pick(route.auth)]
          : pick(['none', 'bearer', 'user', 'oauth1', 'junk-bearer', 'junk-oauth', 'basic']);
      if (auth === 'bearer') headers.authorization = `Bearer ${credentials.bearerToken}`;
      if (auth === 'user') headers.authorization = userToken;
      if (auth === 'junk-bearer') headers.authorization = `Bearer ${scalar().replace(/[^\x21-\x7e]/g, '')}`;
      if (auth === 'junk-oauth') headers.authorization = 'OAuth oauth_consumer_key="%", oauth_signature="x"';
      if (auth === 'basic')
        headers.authorization = `Basic ${Buffer.from(`${credentials.clientId}:${scalar()}`).toString('base64')}`;
      if (auth === 'oauth1') {
        try {
          headers.authorization = oauth.toHeader(
            oauth.authorize({ url, method }, { key: credentials.accessToken, secret: credentials.accessTokenSecret }),
          ).Authorization;
        } catch {
          headers.authorization = `Bearer ${credentials.bearerToken}`;
        }
      }
      const contentType = chance(0.6)
        ? 'application/json'
        : pick(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', '']);
      if (contentType) headers['content-type'] = contentType;
      let body: string | undefined;
      if (method !== 'GET' && chance(0.8)) {
        body = pick([
          () => JSON.stringify(value(0)),
          () =>
            JSON.stringify({
              text: `fuzz ${i} ${scalar()}`.slice(0, 300),
              ...(chance(0.3) ? { reply: { in_reply_to_tweet_id: pick(posts) } } : {}),
              ...(chance(0.3) ? { quote_tweet_id: pick(posts) } : {}),
            }),
          () => JSON.stringify({ tweet_id: pick(posts) }),
          () => JSON.stringify({ target_user_id: pick(users), user_id: pick(users), name: scalar(), hidden: chance(0.5) }),
          () =>
            JSON.stringify(
              Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 4) }, () => [pick(BODY_KEYS), value(1)])),
            ),
          () => '{"text": ',
          () => `grant_type=${encodeURIComponent(scalar())}&token=%E0%A4%A`,
          () => '--x\r\nContent-Disposition: form-data; name="media"\r\n\r\nabc\r\n--x--\r\n',
        ])();
      }
      const described = `${method} ${url} auth=${auth} content-type=${contentType} body=${body?.slice(0, 200)}`;
      const controller = new AbortController();
      const deadline = setTimeout(() => controller.abort(new Error('no answer within 5 s')), 5000);
      try {
        const res = await fetch(url, { method, headers, body, redirect: 'manual', signal: controller.signal });
        const type = res.headers.get('content-type') ?? '';
        // Streams stay open: their status and headers are the answer.
        if (res.status === 200 && type.startsWith('application/json') && !res.headers.get('content-length')) {
          controller.abort();
          continue;
        }
        const text = await res.text();
        if (res.status >= 500) {
          failures.push(`${res.status} for ${described}: ${text.slice(0, 300)}`);
          continue;
        }
        if (res.status >= 300 && res.status < 400) {
          if (!res.headers.get('location')) failures.push(`${res.status} without location for ${described}`);
          continue;
        }
        // The OAuth2 authorize page answers a bad client or redirect URI with an HTML page, as X does.
        if (type.startsWith('text/html') && path.includes('/oauth2/authorize')) continue;
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : {};
        } catch {
          failures.push(`${res.status} with a body that is not JSON for ${described}: ${text.slice(0, 200)}`);
          continue;
        }
        if (typeof json !== 'object' || json === null || Array.isArray(json))
          failures.push(`${res.status} with a non-object body for ${described}`);
        else if (res.status >= 400) {
          const o = json as Record<string, unknown>;
          const problemShape = typeof o.title === 'string' && (typeof o.detail === 'string' || typeof o.type === 'string');
          if (!problemShape && !Array.isArray(o.errors) && typeof o.error !== 'string')
            failures.push(`${res.status} not in X's error shape for ${described}: ${text.slice(0, 200)}`);
        }
      } catch (err) {
        failures.push(`no answer (${(err as Error).message}) for ${described}`);
      } finally {
        clearTimeout(deadline);
      }
    }
    expect(failures, `seed ${SEED}`).toEqual([]);
  }, 120_000);
});

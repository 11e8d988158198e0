import { describe, expect, it } from 'vitest';
import { chooseAuth, type AuthChoiceInput } from '../../src/http/auth-choice.js';
import {
  autoContentType,
  fieldsToJson,
  isJsonContentType,
  multipartBody,
  parseField,
  parseFilePart,
  parseHeaders,
} from '../../src/http/body.js';
import { problemSummary, problemType } from '../../src/http/problem.js';
import { checkTarget } from '../../src/http/raw.js';
import { Redactor } from '../../src/http/redact.js';
import { rateLimitWaitMs } from '../../src/http/retry.js';
import { matchRoute } from '../../src/http/routes.js';
import { rateLimitLine } from '../../src/http/session.js';
import { reconnectDelayMs } from '../../src/http/reconnect.js';
import { apiPathOf, resolveRequestUrl } from '../../src/http/url.js';
import { CredentialsError, UsageError } from '../../src/errors.js';

describe('URLs', () => {
  it('resolves relative paths against the API base and keeps full URLs', () => {
    expect(resolveRequestUrl('/2/tweets/20', 'https://api.x.com').href).toBe('https://api.x.com/2/tweets/20');
    expect(resolveRequestUrl('2/tweets/20?x=1', 'http://127.0.0.1:9/').href).toBe('http://127.0.0.1:9/2/tweets/20?x=1');
    expect(resolveRequestUrl('https://example.com/a', 'https://api.x.com').href).toBe('https://example.com/a');
    expect(() => resolveRequestUrl('ftp://example.com/a', 'https://api.x.com')).toThrow(UsageError);
    expect(() => resolveRequestUrl('http://exa mple.com/', 'https://api.x.com')).toThrow(UsageError);
  });

  it('knows which URLs are on the API host', () => {
    expect(apiPathOf(new URL('https://api.x.com/2/users/me'), 'https://api.x.com')).toBe('/2/users/me');
    expect(apiPathOf(new URL('https://evil.example/2/users/me'), 'https://api.x.com')).toBeUndefined();
    expect(apiPathOf(new URL('http://api.x.com/2/users/me'), 'https://api.x.com')).toBeUndefined();
  });

  it('treats a bare word as a mistyped command', () => {
    expect(() => checkTarget('wbhook', ['webhook', 'auth'])).toThrow("unknown command 'wbhook' (did you mean 'webhook'?)");
    expect(() => checkTarget('zzzzzzzz', ['webhook'])).toThrow(/unknown command 'zzzzzzzz'/);
    expect(() => checkTarget(undefined, [])).toThrow(/no URL given/);
    expect(checkTarget('2/tweets', [])).toBe('2/tweets');
  });
});

describe('headers and bodies', () => {
  it('parses -H on the first colon and refuses headers without one', () => {
    expect(parseHeaders(['Accept: a:b', 'X-A:1', 'x-a: 2'])).toEqual({ Accept: 'a:b', 'X-A': '1, 2' });
    expect(() => parseHeaders(['NoColon'])).toThrow(UsageError);
    expect(() => parseHeaders([': v'])).toThrow(UsageError);
  });

  it('picks JSON or form like xurl, and recognises JSON content types', () => {
    expect(autoContentType(Buffer.from('{"a":1}'))).toBe('application/json');
    expect(autoContentType(Buffer.from('a=1&b=2'))).toBe('application/x-www-form-urlencoded');
    expect(isJsonContentType('application/json; charset=utf-8')).toBe(true);
    expect(isJsonContentType('application/merge-patch+json')).toBe(true);
    expect(isJsonContentType('text/plain')).toBe(false);
  });

  it('builds JSON from -f fields, keeping ids as strings', () => {
    const fields = [
      'text=hi',
      'n=5',
      'ok=true',
      'none=null',
      'id=20',
      'reply[in_reply_to_tweet_id]=1460323737035677698',
      'media[media_ids][]=1',
      'media[media_ids][]=2',
      'big=12345678901234567890',
    ].map(parseField);
    expect(fieldsToJson(fields)).toEqual({
      text: 'hi',
      n: 5,
      ok: true,
      none: null,
      id: '20',
      reply: { in_reply_to_tweet_id: '1460323737035677698' },
      media: { media_ids: ['1', '2'] },
      big: '12345678901234567890',
    });
    expect(() => parseField('novalue')).toThrow(UsageError);
    expect(() => fieldsToJson(['a=1', 'a[b]=2'].map(parseField))).toThrow(UsageError);
  });

  it('reads -F specs and builds a multipart body', async () => {
    expect(parseFilePart('pic.png')).toEqual({ name: 'media', path: 'pic.png' });
    expect(parseFilePart('media_data=@/tmp/a.jpg')).toEqual({ name: 'media_data', path: '/tmp/a.jpg' });
    const { body, contentType } = await multipartBody(
      [{ key: 'command', value: 'APPEND' }],
      [{ name: 'media', path: new URL('../../package.json', import.meta.url).pathname }],
    );
    const boundary = /boundary=(.+)$/.exec(contentType)![1]!;
    const text = body.toString();
    expect(text.startsWith(`--${boundary}\r\nContent-Disposition: form-data; name="command"\r\n\r\nAPPEND\r\n`)).toBe(true);
    expect(text).toContain('name="media"; filename="package.json"\r\nContent-Type: application/json\r\n\r\n{');
    expect(text.endsWith(`--${boundary}--\r\n`)).toBe(true);
    await expect(multipartBody([], [{ name: 'media', path: '/nonexistent/file' }])).rejects.toThrow(
      '-F /nonexistent/file: no such file',
    );
  });
});

describe('auth choice', () => {
  const base: AuthChoiceInput = {
    method: 'GET',
    route: undefined,
    apiHost: true,
    host: 'api.x.com',
    available: ['oauth2', 'oauth1', 'bearer'],
    appLabel: "app 'a'",
  };

  it('uses the bearer for /2/webhooks even with a user token', () => {
    expect(chooseAuth({ ...base, route: matchRoute('GET', '/2/webhooks') }).kind).toBe('bearer');
  });

  it("follows xurl's order on unknown routes and the route's kinds on known ones", () => {
    expect(chooseAuth(base).kind).toBe('oauth2');
    expect(chooseAuth({ ...base, available: ['oauth1', 'bearer'] }).kind).toBe('oauth1');
    expect(chooseAuth({ ...base, route: matchRoute('GET', '/2/users/me'), available: ['oauth1', 'bearer'] }).kind).toBe('oauth1');
  });

  it('refuses routes the credentials cannot serve, and no credentials at all', () => {
    expect(() => chooseAuth({ ...base, route: matchRoute('GET', '/2/users/me'), available: ['bearer'] })).toThrow(
      /needs user context: OAuth2 user token or OAuth 1.0a.*xcli auth oauth2/,
    );
    expect(() => chooseAuth({ ...base, available: [] })).toThrow(CredentialsError);
    expect(() => chooseAuth({ ...base, available: [] })).toThrow(/xcli auth app --bearer-token/);
  });

  it('never sends credentials to another host unless --auth says so', () => {
    expect(chooseAuth({ ...base, apiHost: false, host: 'evil.example' }).kind).toBeUndefined();
    const explicit = chooseAuth({ ...base, apiHost: false, host: 'evil.example', flag: 'app' });
    expect(explicit.kind).toBe('bearer');
    expect(explicit.warning).toMatch(/evil.example/);
  });

  it('-u means OAuth2 and never downgrades', () => {
    expect(chooseAuth({ ...base, username: 'alice', available: ['bearer'] }).kind).toBe('oauth2');
  });
});

describe('redaction', () => {
  const r = new Redactor(['supersecretvalue', 'abc']);
  it('hides authorization, cookies, secret query parameters and literal secrets', () => {
    expect(r.header('Authorization', 'Bearer AAAA')).toBe('Bearer [redacted]');
    expect(r.header('Authorization', 'OAuth oauth_signature="x"')).toBe('OAuth [redacted]');
    expect(r.header('Set-Cookie', 'a=b')).toBe('[redacted]');
    expect(r.header('X-Other', 'has supersecretvalue inside')).toBe('has [redacted] inside');
    expect(r.url('https://h/p?access_token=t1&oauth_signature=s&pagination_token=keep&q=abc')).toBe(
      'https://h/p?access_token=%5Bredacted%5D&oauth_signature=%5Bredacted%5D&pagination_token=keep&q=abc',
    );
    expect(r.url('https://user:pw@h/p')).not.toContain('pw');
  });
});

describe('problems, retries and backoff', () => {
  it('summarises X problem JSON in one line with the transaction id', () => {
    const body = JSON.stringify({
      errors: [{ message: 'The `id` query parameter value [abc] is not valid' }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.x.com/2/problems/invalid-request',
    });
    expect(problemSummary(400, { 'x-transaction-id': 't1' }, body)).toBe(
      '400 Invalid Request: One or more parameters to your request was invalid. The `id` query parameter value [abc] is not valid (x-transaction-id: t1)',
    );
    expect(problemSummary(503, {}, '')).toBe('503 Service Unavailable');
    expect(problemSummary(502, {}, 'bad gateway\n')).toBe('502 Bad Gateway: bad gateway');
    expect(problemType('{"type":"https://api.x.com/2/problems/usage-capped","title":"Usage cap exceeded"}')).toBe('usage-capped');
  });

  it('waits for retry-after or the spent window', () => {
    const now = 1_000_000_000_000;
    expect(rateLimitWaitMs({ 'retry-after': '3' }, now)).toBe(3000);
    expect(rateLimitWaitMs({ 'x-rate-limit-reset': String(now / 1000 + 10), 'x-rate-limit-remaining': '0' }, now)).toBe(11_000);
    expect(
      rateLimitWaitMs(
        {
          'x-rate-limit-reset': String(now / 1000 + 10),
          'x-user-limit-24hour-reset': String(now / 1000 + 3600),
          'x-user-limit-24hour-remaining': '0',
        },
        now,
      ),
    ).toBe(3_601_000);
    expect(rateLimitWaitMs({}, now)).toBeUndefined();
  });

  it('reads the rate-limit headers for -v', () => {
    expect(
      rateLimitLine(
        { 'x-rate-limit-limit': '900', 'x-rate-limit-remaining': '847', 'x-rate-limit-reset': '1000000662' },
        1_000_000_000_000,
      ),
    ).toBe('x-rate-limit: 847/900, resets in 11m02s');
    expect(rateLimitLine({}, 0)).toBeUndefined();
  });

  it("follows X's reconnect schedules", () => {
    expect([1, 2, 3, 100].map((n) => reconnectDelayMs('tcp', n))).toEqual([0, 250, 500, 16_000]);
    expect([1, 2, 7, 8].map((n) => reconnectDelayMs('http', n))).toEqual([5_000, 10_000, 320_000, 320_000]);
    expect([1, 2].map((n) => reconnectDelayMs('rate', n))).toEqual([60_000, 120_000]);
  });
});

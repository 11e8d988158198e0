// Issue 15 item 3: the one "act as X" module, with vectors: every verdict and reason comes from here.
import { describe, expect, it } from 'vitest';
import {
  crcChallengeUrl,
  judgeCrcAnswer,
  makeCrcChallenge,
  signDelivery,
  signedToken,
  type CrcAnswer,
} from '../../src/webhook/act-as-x.js';
import { CRC_TOKEN_PATTERN } from '../../src/webhook/protocol.js';

// x-webhooks.md A1 and A2: known secret and token → known sha256= value.
const SECRET = 'ss';
const TOKEN = 'helloWorld';
const RESPONSE_TOKEN = 'sha256=YFpPr1o5UmzuIUDQn+BqYQ14kFOjWiWYc7oNiVymMgg=';
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

function answer(status: number, body: string, headers: Record<string, string> = JSON_TYPE, latencyMs = 12): CrcAnswer {
  return { status, headers, body: Buffer.from(body), latencyMs };
}

describe('act as X', () => {
  it('makes a challenge like X: base64 of a UUID, base64url of the millisecond time, in the query', () => {
    const challenge = makeCrcChallenge(1769518292914);
    expect(challenge.nonce).toBe('MTc2OTUxODI5MjkxNA'); // the nonce of a real CRC (x-webhooks.md A1)
    expect(Buffer.from(challenge.token, 'base64').toString()).toMatch(/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/);
    expect(challenge.token).toMatch(CRC_TOKEN_PATTERN);
    expect(makeCrcChallenge(0).token).not.toBe(makeCrcChallenge(0).token);
    const url = crcChallengeUrl('http://127.0.0.1:8080/hook?keep=1', challenge);
    expect(url.searchParams.get('keep')).toBe('1');
    expect(url.searchParams.get('crc_token')).toBe(challenge.token);
    expect(url.searchParams.get('nonce')).toBe(challenge.nonce);
  });

  it('passes the right response_token, and judges it with the consumer secret only', () => {
    const good = answer(200, JSON.stringify({ response_token: RESPONSE_TOKEN }));
    expect(judgeCrcAnswer(good, SECRET, TOKEN)).toEqual({ verdict: 'passed', problems: [], status: 200, latencyMs: 12 });
    expect(signedToken(good, SECRET, TOKEN)).toBe(true);
    expect(judgeCrcAnswer(good, 'another secret', TOKEN)).toMatchObject({
      verdict: 'failed',
      reason: expect.stringMatching(
        /^Invalid response_token: it must be sha256= \+ base64 HMAC-SHA256 of crc_token keyed with the consumer secret/,
      ),
      problems: [{ kind: 'wrong-token', weight: 'failed' }],
    });
    expect(signedToken(good, 'another secret', TOKEN)).toBe(false);
  });

  it('gives each verdict with a precise reason', () => {
    const cases: Array<[CrcAnswer, string, string, string]> = [
      [answer(200, '{}'), 'failed', 'no-response-token', 'the body has no response_token'],
      [answer(200, 'sha256=abc'), 'failed', 'not-json', 'the body is not JSON, X expects {"response_token":"sha256=…"}'],
      [answer(200, 'null'), 'failed', 'no-response-token', 'the body has no response_token'],
      [answer(200, '{"response_token":7}'), 'failed', 'no-response-token', 'the body has no response_token'],
      [
        answer(301, '', { location: '/hook/' }),
        'failed',
        'redirect',
        'answered 301 to /hook/: X follows no redirect, and a 3xx invalidates the webhook at once',
      ],
      [
        answer(302, '', {}),
        'failed',
        'redirect',
        'answered 302 (a redirect): X follows no redirect, and a 3xx invalidates the webhook at once',
      ],
      [answer(500, 'oops'), 'transient', 'status', 'answered 500, X expects 200'],
      [answer(404, '{}'), 'transient', 'status', 'answered 404, X expects 200'],
      [answer(204, ''), 'transient', 'status', 'answered 204, X expects 200'],
      [
        { failure: 'connection refused by 127.0.0.1:9', latencyMs: 1 },
        'transient',
        'no-answer',
        'connection refused by 127.0.0.1:9',
      ],
    ];
    for (const [given, verdict, kind, reason] of cases) {
      const judged = judgeCrcAnswer(given, SECRET, TOKEN);
      expect(judged, reason).toMatchObject({ verdict, reason, problems: [{ kind, message: reason }] });
      expect(signedToken(given, SECRET, TOKEN)).toBe(false);
    }
  });

  it('reports what X asks for but does not fail on: the content type, and the time taken', () => {
    const body = JSON.stringify({ response_token: RESPONSE_TOKEN });
    const plain = judgeCrcAnswer(answer(200, body, { 'content-type': 'text/plain' }), SECRET, TOKEN);
    expect(plain).toMatchObject({ verdict: 'passed', reason: undefined });
    expect(plain.problems).toEqual([
      { kind: 'content-type', weight: 'advice', message: 'content type is text/plain, X expects application/json' },
    ]);
    expect(judgeCrcAnswer(answer(200, body, {}), SECRET, TOKEN).problems[0]?.message).toBe(
      'content type is missing, X expects application/json',
    );
    const slow = judgeCrcAnswer(answer(200, body, JSON_TYPE, 3500), SECRET, TOKEN);
    expect(slow).toMatchObject({ verdict: 'passed', problems: [{ kind: 'slow', message: 'took 3.5 s, X waits 3 s' }] });
    expect(judgeCrcAnswer(answer(200, body, JSON_TYPE, 3500), SECRET, TOKEN, { slowMs: 10_000 }).problems).toEqual([]);
    // The weightiest problem decides, whatever the order it was met in.
    const wrongAndSlow = judgeCrcAnswer(answer(200, '{}', { 'content-type': 'text/html' }, 4000), SECRET, TOKEN);
    expect(wrongAndSlow.verdict).toBe('failed');
    expect(wrongAndSlow.reason).toBe('the body has no response_token');
    expect(wrongAndSlow.problems.map((p) => p.kind)).toEqual(['content-type', 'no-response-token', 'slow']);
  });

  it('signs a delivery as X does: the exact bytes, with X headers and no user agent', () => {
    expect(signDelivery(Buffer.from('html body'), 'bbbbbb')).toEqual({
      'content-type': 'application/json',
      'user-agent': '',
      'x-twitter-webhooks-signature': 'sha256=P/M6xYi2AxkjB8C36xD3AfjT5XuOx3dWgw9EVXCYA2U=',
    });
    expect(signDelivery('html body', 'bbbbbb')['x-twitter-webhooks-signature']).toBe(
      'sha256=P/M6xYi2AxkjB8C36xD3AfjT5XuOx3dWgw9EVXCYA2U=',
    );
  });
});

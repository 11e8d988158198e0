import { describe, expect, it } from 'vitest';
import { classifyEvent, eventTypeFilter } from '../../src/webhook/classify.js';
import { crcResponseBody, crcResponseToken, isTokenShaped } from '../../src/webhook/crc.js';
import { applyOverride, freshSample, sampleTypes } from '../../src/webhook/samples.js';
import { checkSignature, signBody, verifySignature } from '../../src/webhook/signature.js';

describe('CRC (x-webhooks.md A1)', () => {
  it('matches the research vectors', () => {
    expect(crcResponseToken('ss', 'helloWorld')).toBe('sha256=YFpPr1o5UmzuIUDQn+BqYQ14kFOjWiWYc7oNiVymMgg=');
    expect(crcResponseToken('z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu', '9b4507b3-9040-4669-9ca3-6b94edb50553')).toBe(
      'sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8=',
    );
    expect(JSON.parse(crcResponseBody('ss', 'helloWorld'))).toEqual({
      response_token: 'sha256=YFpPr1o5UmzuIUDQn+BqYQ14kFOjWiWYc7oNiVymMgg=',
    });
  });

  it('accepts real token shapes and refuses anything that could be a forged body', () => {
    const real = 'M2RkODJkZmMtYjlkYi00NmQ4LTk0MGUtM2JjYzkwM2Q4MjQ0'; // base64 of a UUID, from a real log
    for (const t of [real, 'helloWorld', '9b4507b3-9040-4669-9ca3-6b94edb50553', 'abc_DEF-123='])
      expect(isTokenShaped(t), t).toBe(true);
    for (const t of [
      '',
      'short',
      '{"data":1}',
      'has space here',
      'a'.repeat(129),
      'tokén-with-accent',
      'line\nbreak1234',
      '%7Btoken%7D',
    ]) {
      expect(isTokenShaped(t), t).toBe(false);
    }
  });
});

describe('signatures (x-webhooks.md A2)', () => {
  it('matches the research vector over raw bytes', () => {
    expect(signBody('bbbbbb', Buffer.from('html body'))).toBe('sha256=P/M6xYi2AxkjB8C36xD3AfjT5XuOx3dWgw9EVXCYA2U=');
    expect(verifySignature('bbbbbb', Buffer.from('html body'), 'sha256=P/M6xYi2AxkjB8C36xD3AfjT5XuOx3dWgw9EVXCYA2U=')).toBe(true);
  });

  it('tells missing, invalid and valid apart', () => {
    const body = Buffer.from('{"a":1}');
    const good = signBody('k', body);
    expect(checkSignature('k', body, undefined)).toBe('missing');
    expect(checkSignature('k', body, '')).toBe('missing');
    expect(checkSignature('k', body, good)).toBe('valid');
    expect(checkSignature('k', Buffer.from('{"a":2}'), good)).toBe('invalid');
    expect(checkSignature('other', body, good)).toBe('invalid');
    expect(checkSignature('k', body, 'sha256=short')).toBe('invalid');
    // Two headers are refused even when one of them is right.
    expect(checkSignature('k', body, [good, good])).toBe('invalid');
  });

  it('signs bytes, not a re-serialised body', () => {
    const spaced = Buffer.from('{ "a" : 1 }');
    expect(verifySignature('k', Buffer.from(JSON.stringify(JSON.parse(spaced.toString()))), signBody('k', spaced))).toBe(false);
  });
});

describe('classifyEvent', () => {
  it('reads X Activity API envelopes, including negative event_uuid', () => {
    const info = classifyEvent({
      data: {
        event_uuid: '-2781149976877970683',
        event_type: 'post.reply.create',
        filter: { user_id: '9' },
        payload: { text: 'hi there', author_id: '2' },
        includes: { users: [{ id: '2', username: 'alice' }] },
      },
    });
    expect(info).toMatchObject({
      product: 'activity',
      type: 'post.reply.create',
      eventId: '-2781149976877970683',
      actor: '@alice',
      summary: 'hi there',
      forUserId: '9',
    });
  });

  it('summarises a profile change as before → after, readable once the console quotes it', () => {
    const bio = classifyEvent({
      data: {
        event_type: 'profile.update.bio',
        event_uuid: '1',
        filter: { user_id: '9' },
        payload: { before: { description: 'Old bio' }, after: { description: '' } },
      },
    });
    expect(bio.summary).toBe('Old bio → ∅');
  });

  it('reads Account Activity payloads and keys ids by for_user_id', () => {
    const fav = classifyEvent({
      for_user_id: '1',
      favorite_events: [{ id: 'f1', user: { screen_name: 'bob' }, favorited_status: { text: 'nice' } }],
    });
    expect(fav).toMatchObject({
      product: 'account-activity',
      type: 'favorite_events',
      eventId: '1/f1',
      actor: '@bob',
      summary: 'nice',
    });
    const other = classifyEvent({ for_user_id: '2', favorite_events: [{ id: 'f1' }] });
    expect(other.eventId).not.toBe(fav.eventId);
    const tweets = classifyEvent({
      for_user_id: '1',
      tweet_create_events: [
        { id_str: '77', extended_tweet: { full_text: 'long text' }, text: 'short', user: { screen_name: 'c' } },
      ],
    });
    expect(tweets).toMatchObject({ type: 'tweet_create_events', eventId: '1/77', summary: 'long text' });
    const follow = classifyEvent({
      for_user_id: '1',
      follow_events: [
        {
          type: 'unfollow',
          created_timestamp: '5',
          source: { id: '3', screen_name: 's' },
          target: { id: '1', screen_name: 't' },
        },
      ],
    });
    expect(follow).toMatchObject({ type: 'follow_events', eventId: '1/unfollow:5:3:1', summary: 'unfollow → @t' });
    expect(
      classifyEvent({ user_event: { revoke: { date_time: 'd', target: { app_id: '8' }, source: { user_id: '4' } } } }),
    ).toMatchObject({ type: 'user_event.revoke', eventId: 'revoke/4/d' });
    expect(classifyEvent({ replay_job_status: { job_id: 'j', job_state: 'Complete' } })).toMatchObject({
      type: 'replay_job_status',
      eventId: 'replay/j/Complete',
    });
  });

  it('reads filtered-stream deliveries', () => {
    expect(
      classifyEvent({ data: { id: '5', text: 't', author_id: '2' }, matching_rules: [{ id: '1', tag: 'x' }] }),
    ).toMatchObject({ product: 'stream', type: 'stream.post', eventId: '5' });
  });

  it('answers unknown for anything else', () => {
    for (const v of [null, 3, 'x', [], {}, { data: 1 }]) expect(classifyEvent(v).type).toBe('unknown');
  });

  it('classifies every trigger sample as its own type, with a fresh id each time', () => {
    for (const type of sampleTypes()) {
      const a = classifyEvent(freshSample(type));
      expect(a.type, type).toBe(type === 'user_event' ? 'user_event.revoke' : type);
      expect(a.eventId, type).toBeTruthy();
    }
    expect(classifyEvent(freshSample('post.create')).eventId).not.toBe(classifyEvent(freshSample('post.create')).eventId);
  });
});

describe('helpers', () => {
  it('filters types with globs', () => {
    const f = eventTypeFilter('post.*,like.create')!;
    expect([f('post.create'), f('post.reply.create'), f('like.create'), f('like.created'), f('follow.follow')]).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(eventTypeFilter(undefined)).toBeUndefined();
  });

  it('applies --override paths, JSON values and refuses prototype keys', () => {
    const s = freshSample('post.create')!;
    applyOverride(s, 'data.payload.text=hello');
    applyOverride(s, 'data.payload.public_metrics={"likes":3}');
    applyOverride(s, 'data.list.0=x');
    expect((s.data as any).payload.text).toBe('hello');
    expect((s.data as any).payload.public_metrics).toEqual({ likes: 3 });
    expect((s.data as any).list).toEqual(['x']);
    expect(() => applyOverride(s, 'a.__proto__.b=1')).toThrow();
    expect(() => applyOverride(s, 'novalue')).toThrow();
  });
});

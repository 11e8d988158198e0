import { afterEach, describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../src/sandbox/emulator/clock.js';
import type { SandboxOptions } from '../../src/sandbox/emulator/index.js';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';
import { startReceiver, type Receiver } from './receiver.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(options: SandboxOptions = {}, crc: Receiver['crc'] = 'ok') {
  const fake = await startFakeX({ fastRetries: true, ...options });
  cleanups.push(() => fake.close());
  const receiver = await startReceiver(fake.sandbox.credentials.consumerSecret, crc);
  cleanups.push(() => receiver.close());
  return { fake, receiver };
}

async function call(
  fake: FakeX,
  method: string,
  path: string,
  body?: unknown,
  auth = `Bearer ${fake.sandbox.credentials.bearerToken}`,
) {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: (await res.json()) as any };
}

/** Registers the receiver and subscribes it to post.create for the sandbox user. */
async function register(fake: FakeX, receiver: Receiver): Promise<string> {
  const created = await call(fake, 'POST', '/2/webhooks', { url: receiver.url });
  expect(created.status).toBe(200);
  const id = created.json.data.id as string;
  const now = new Date().toISOString();
  fake.sandbox.state.activitySubscriptions.set('1', {
    subscription_id: '1',
    event_type: 'post.create',
    filter: { user_id: fake.sandbox.state.authenticatedUserId },
    webhook_id: id,
    created_at: now,
    updated_at: now,
  });
  return id;
}

/** Moves time on and resolves once a timer is set again (the next retry, once an attempt's answer is in). */
async function advanceUntilTimerSet(scheduler: ManualScheduler, ms: number): Promise<void> {
  const set = scheduler.nextTimer();
  scheduler.advance(ms);
  await set;
}

const post = (fake: FakeX, text: string) =>
  call(fake, 'POST', '/2/tweets', { text }, `Bearer ${fake.sandbox.mintUserToken().access_token}`);

describe('sandbox webhooks', () => {
  it('registers a webhook after a real CRC and lists it', async () => {
    const { fake, receiver } = await setup();
    const created = await call(fake, 'POST', '/2/webhooks', { url: receiver.url });
    expect(created.json.data).toMatchObject({ url: receiver.url, valid: true });
    expect(created.json.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(receiver.crcCount).toBe(1);
    const list = await call(fake, 'GET', '/2/webhooks');
    expect(list.json).toEqual({ data: [created.json.data], meta: { result_count: 1 } });
  });

  it('refuses a CRC answered with the wrong secret, and one that redirects', async () => {
    for (const mode of ['wrong-secret', 'redirect'] as const) {
      const { fake, receiver } = await setup({}, mode);
      const res = await call(fake, 'POST', '/2/webhooks', { url: receiver.url });
      expect(res.status).toBe(400);
      expect(res.json.errors[0].message).toMatch(
        mode === 'redirect'
          ? /^CrcValidationFailed: answered 301 to .*: X follows no redirect/
          : /^CrcValidationFailed: Invalid response_token/,
      );
      expect(fake.sandbox.state.webhooks.size).toBe(0);
    }
  });

  it('refuses bad URLs, duplicates and webhooks over the limit', async () => {
    const { fake, receiver } = await setup();
    expect((await call(fake, 'POST', '/2/webhooks', { url: 'http://example.com/hook' })).json.errors[0].reason).toBe(
      'UrlValidationFailed',
    );
    expect((await call(fake, 'POST', '/2/webhooks', { url: 'https://example.com:5000/hook' })).json.errors[0].reason).toBe(
      'UrlValidationFailed',
    );
    await call(fake, 'POST', '/2/webhooks', { url: receiver.url });
    expect((await call(fake, 'POST', '/2/webhooks', { url: receiver.url })).json.errors[0].reason).toBe('DuplicateUrlFailed');
    expect((await call(fake, 'POST', '/2/webhooks', { url: `${receiver.url}2` })).json.errors[0].reason).toBe(
      'WebhookLimitExceeded',
    );
  });

  it('delivers a post.create envelope signed with the consumer secret', async () => {
    const { fake, receiver } = await setup();
    await register(fake, receiver);
    const created = await post(fake, 'first event');
    const [got] = await receiver.waitFor(1);
    expect(got!.signatureValid).toBe(true);
    const envelope = JSON.parse(got!.body);
    expect(envelope.data).toMatchObject({
      event_type: 'post.create',
      filter: { user_id: fake.sandbox.state.authenticatedUserId },
      payload: { id: created.json.data.id, text: 'first event' },
    });
    expect(envelope.data.event_uuid).toMatch(/^-?\d+$/);
  });

  it('retries a failing app on the schedule and stops after the last attempt', async () => {
    const scheduler = new ManualScheduler();
    const { fake, receiver } = await setup({ retryScale: 0.001, clock: scheduler, scheduler });
    await register(fake, receiver);
    receiver.statuses = [500, 503, 500, 500, 500];
    await post(fake, 'never acknowledged');
    // X's 3 s → 30 s → 5 min, scaled by 0.001; time moves only here, so each attempt's time is exact.
    await advanceUntilTimerSet(scheduler, 0);
    await advanceUntilTimerSet(scheduler, 3);
    await advanceUntilTimerSet(scheduler, 30);
    scheduler.advance(300);
    await fake.sandbox.deliveriesSettled();
    expect(receiver.received).toHaveLength(4);
    expect(scheduler.pending).toBe(0);
    const delivery = fake.sandbox.state.deliveries.at(-1)!;
    expect(delivery.outcome).toBe('failed');
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 503, 500, 500]);
    const first = delivery.attempts[0]!.at;
    expect(delivery.attempts.map((a) => a.at - first)).toEqual([0, 3, 33, 333]);
  });

  it('retries an answer slower than the timeout, like no answer', async () => {
    const { fake, receiver } = await setup({ deliveryTimeoutMs: 100 });
    await register(fake, receiver);
    receiver.delays = [400];
    await post(fake, 'slow app');
    await receiver.waitFor(2);
    await fake.sandbox.deliveriesSettled();
    const delivery = fake.sandbox.state.deliveries.at(-1)!;
    expect(delivery.attempts[0]).toMatchObject({ error: 'timeout' });
    expect(delivery.attempts[1]).toMatchObject({ status: 200 });
    expect(delivery.outcome).toBe('delivered');
  });

  it('counts a late success as delivered', async () => {
    const { fake, receiver } = await setup();
    await register(fake, receiver);
    receiver.statuses = [500];
    await post(fake, 'second try works');
    await receiver.waitFor(2);
    await fake.sandbox.deliveriesSettled();
    expect(fake.sandbox.state.deliveries.at(-1)!.outcome).toBe('delivered');
    expect(new Set(receiver.received.map((r) => JSON.parse(r.body).data.event_uuid)).size).toBe(1);
  });

  it('re-delivers duplicates when asked (same event_uuid)', async () => {
    const { fake, receiver } = await setup({ duplicates: 1 });
    await register(fake, receiver);
    await post(fake, 'twice');
    await receiver.waitFor(2);
    await fake.sandbox.deliveriesSettled();
    const uuids = receiver.received.map((r) => JSON.parse(r.body).data.event_uuid);
    expect(uuids).toHaveLength(2);
    expect(uuids[0]).toBe(uuids[1]);
  });

  it('replays the deliveries of a time range and reports the job', async () => {
    const { fake, receiver } = await setup();
    const id = await register(fake, receiver);
    await post(fake, 'one');
    await post(fake, 'two');
    await receiver.waitFor(2);
    const minute = (ms: number) => new Date(ms).toISOString().replace(/[-T:]/g, '').slice(0, 12);
    const res = await call(fake, 'POST', '/2/webhooks/replay', {
      webhook_id: id,
      from_date: minute(Date.now() - 60_000),
      to_date: minute(Date.now()),
    });
    expect(res.status).toBe(200);
    expect(res.json.data.job_id).toMatch(/^\d+$/);
    await receiver.waitFor(5);
    const bodies = receiver.received.map((r) => JSON.parse(r.body));
    expect(
      bodies
        .slice(2, 4)
        .map((b) => b.data.payload.text)
        .sort(),
    ).toEqual(['one', 'two']);
    expect(bodies[4].replay_job_status).toMatchObject({ webhook_id: id, job_state: 'Complete', job_id: res.json.data.job_id });
    const bad = await call(fake, 'POST', '/2/webhooks/replay', {
      webhook_id: id,
      from_date: '2020',
      to_date: minute(Date.now()),
    });
    expect(bad.json.errors[0].reason).toBe('QueryParamInvalid');
  });

  it('marks a webhook invalid when CRC fails, skips its deliveries, and PUT brings it back', async () => {
    const { fake, receiver } = await setup();
    const id = await register(fake, receiver);
    receiver.crc = 'wrong-secret';
    const put = await call(fake, 'PUT', `/2/webhooks/${id}`);
    expect(put.json.errors[0].reason).toBe('CrcValidationFailed');
    expect((await call(fake, 'GET', '/2/webhooks')).json.data[0].valid).toBe(false);
    await post(fake, 'lost while invalid');
    await fake.sandbox.deliveriesSettled();
    expect(receiver.received).toHaveLength(0);
    expect(fake.sandbox.state.deliveries.at(-1)!.outcome).toBe('skipped');
    receiver.crc = 'ok';
    expect((await call(fake, 'PUT', `/2/webhooks/${id}`)).json).toEqual({ data: { valid: true } });
    await post(fake, 'back again');
    expect(JSON.parse((await receiver.waitFor(1))[0]!.body).data.payload.text).toBe('back again');
  });

  it('re-runs CRC on a timer and invalidates after transient failures outlast the grace period', async () => {
    const scheduler = new ManualScheduler();
    let changed: () => void = () => {};
    const { fake, receiver } = await setup({
      crcEveryMs: 30,
      crcGraceMs: 50,
      clock: scheduler,
      scheduler,
      onChange: () => changed(),
    });
    await register(fake, receiver);
    const webhook = fake.sandbox.state.webhooks.values().next().value!;
    receiver.crc = 'error';
    /** Moves time on by one CRC interval and waits for that CRC's verdict to be applied. */
    const nextCrc = async () => {
      const applied = new Promise<void>((resolve) => (changed = resolve));
      scheduler.advance(30);
      await applied;
    };
    await nextCrc();
    expect(webhook).toMatchObject({ valid: true, crcFailingSince: scheduler.now() });
    await nextCrc(); // failing for 30 ms, within the 50 ms grace
    expect(webhook.valid).toBe(true);
    await nextCrc(); // failing for 60 ms
    expect(webhook.valid).toBe(false);
    expect(receiver.crcCount).toBe(4);
  });

  it('deletes a webhook and refuses unknown ids with WebhookIdInvalid', async () => {
    const { fake, receiver } = await setup();
    const id = await register(fake, receiver);
    expect((await call(fake, 'DELETE', `/2/webhooks/${id}`)).json).toEqual({ data: { deleted: true } });
    expect((await call(fake, 'DELETE', `/2/webhooks/${id}`)).json.errors[0].reason).toBe('WebhookIdInvalid');
  });

  it('sends Account Activity subscribers the legacy payloads for posts, likes and follows', async () => {
    const { fake, receiver } = await setup();
    const created = await call(fake, 'POST', '/2/webhooks', { url: receiver.url });
    const me = fake.sandbox.state.authenticatedUserId;
    const user = `Bearer ${fake.sandbox.mintUserToken().access_token}`;
    expect(
      (await call(fake, 'POST', `/2/account_activity/webhooks/${created.json.data.id}/subscriptions/all`, undefined, user))
        .status,
    ).toBe(200);
    const posted = await call(fake, 'POST', '/2/tweets', { text: 'legacy shapes' }, user);
    await call(fake, 'POST', `/2/users/${me}/likes`, { tweet_id: posted.json.data.id }, user);
    await call(fake, 'POST', `/2/users/${me}/following`, { target_user_id: '783214' }, user);
    const bodies = (await receiver.waitFor(3)).map((r) => JSON.parse(r.body));
    expect(bodies.every((b) => b.for_user_id === me)).toBe(true);
    const byKey = (key: string) => bodies.find((b) => key in b)?.[key][0];
    expect(byKey('tweet_create_events')).toMatchObject({
      id_str: posted.json.data.id,
      text: 'legacy shapes',
      user: { screen_name: 'sandbox_dev' },
    });
    expect(byKey('tweet_create_events').created_at).toMatch(/^\w{3} \w{3} \d\d \d\d:\d\d:\d\d \+0000 \d{4}$/);
    expect(byKey('favorite_events').favorited_status.id_str).toBe(posted.json.data.id);
    expect(byKey('follow_events')).toMatchObject({ type: 'follow', source: { id_str: me }, target: { id_str: '783214' } });
  });

  it('delivers every event when shuffling, in some order', async () => {
    const { fake, receiver } = await setup({ shuffle: 40 });
    await register(fake, receiver);
    const texts = ['a1', 'b2', 'c3', 'd4', 'e5'];
    for (const t of texts) await post(fake, t);
    await receiver.waitFor(5);
    expect(receiver.received.map((r) => JSON.parse(r.body).data.payload.text).sort()).toEqual(texts);
  });

  it('delivers posts matching the stream rules to a linked filtered-stream webhook', async () => {
    const { fake, receiver } = await setup();
    const created = await call(fake, 'POST', '/2/webhooks', { url: receiver.url });
    const rules = await call(fake, 'POST', '/2/tweets/search/stream/rules', {
      add: [{ value: 'sandbox launch', tag: 'launch' }],
    });
    expect(rules.status).toBeLessThan(300);
    expect((await call(fake, 'POST', `/2/tweets/search/webhooks/${created.json.data.id}?expansions=author_id`)).json).toEqual({
      data: { provisioned: true },
    });
    await post(fake, 'unrelated');
    await post(fake, 'the sandbox launch is today');
    const [got] = await receiver.waitFor(1);
    const body = JSON.parse(got!.body);
    expect(body.data.text).toBe('the sandbox launch is today');
    expect(body.matching_rules).toEqual([{ id: rules.json.data[0].id, tag: 'launch' }]);
    expect(body.includes.users[0].username).toBe('sandbox_dev');
    expect(got!.signatureValid).toBe(true);
  });
});

// The sandbox's activity, account-activity and stream-rule routes validate as X does: these are the
// refusals the CLI never lets through, so they are checked with plain HTTP here.
import { beforeEach, describe, expect, it } from 'vitest';
import { ACTIVITY_SUBSCRIPTION_LIMIT } from '../../src/sandbox/emulator/routes/activity.js';
import { SANDBOX_DEV, XDEVELOPERS, type Fake, useFake } from './helpers.js';

let fake: Fake;
let webhookId: string;

useFake((f, id) => {
  fake = f;
  webhookId = id;
});
beforeEach(() => {
  fake.sandbox.state.activitySubscriptions.clear();
});

async function call(
  method: string,
  path: string,
  json?: unknown,
  auth: 'bearer' | 'user' = 'bearer',
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  headers.authorization =
    auth === 'bearer'
      ? `Bearer ${fake.sandbox.credentials.bearerToken}`
      : `Bearer ${fake.sandbox.mintUserToken({ scopes: ['tweet.read', 'users.read', 'dm.read', 'dm.write', 'mute.read'] }).access_token}`;
  const res = await fetch(`${fake.sandbox.url}${path}`, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, body: await res.json() };
}

const create = (json: unknown, auth?: 'bearer' | 'user') => call('POST', '/2/activity/subscriptions', json, auth);

describe('sandbox: /2/activity/subscriptions', () => {
  it.each([
    [{ event_type: 'ProfileBioUpdate', filter: { user_id: XDEVELOPERS } }, /InvalidEventType/],
    [{ event_type: 'profile.update.bio', filter: { user_id: XDEVELOPERS, keyword: 'x' } }, /does not take a keyword/],
    [{ event_type: 'profile.update.bio', filter: {} }, /needs a user_id/],
    [{ event_type: 'news.new', filter: { user_id: XDEVELOPERS } }, /does not take a user_id/],
    [
      { event_type: 'follow.follow', filter: { user_id: XDEVELOPERS, direction: 'received' } },
      /direction must be inbound, outbound/,
    ],
    [
      { event_type: 'profile.update.bio', filter: { user_id: XDEVELOPERS }, tag: 'x'.repeat(201) },
      /tag must be a string of 1 to 200/,
    ],
    [{ event_type: 'profile.update.bio', filter: { user_id: XDEVELOPERS }, extra: 1 }, /\[extra\] is not a valid field/],
    [{ event_type: 'profile.update.bio', filter: { user_id: '999' } }, /Could not find user/],
    [{ event_type: 'profile.update.bio', filter: { user_id: XDEVELOPERS }, webhook_id: '12' }, /WebhookIdInvalid/],
  ])('refuses %j with 400', async (json, message) => {
    const r = await create(json);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toMatch(message);
    expect(fake.sandbox.state.activitySubscriptions.size).toBe(0);
  });

  it('takes the deprecated chat alias and sent/received, answering with canonical names', async () => {
    const r = await create(
      { event_type: 'chat.conversation_join', filter: { user_id: SANDBOX_DEV, direction: 'received' } },
      'user',
    );
    expect(r.status).toBe(200);
    expect(r.body.data.subscription).toMatchObject({
      event_type: 'chat.conversation.join',
      filter: { user_id: SANDBOX_DEV, direction: 'inbound' },
    });
  });

  it('mute and block are actor-only; private events refuse app-only auth', async () => {
    expect((await create({ event_type: 'mute.mute', filter: { user_id: XDEVELOPERS } }, 'user')).status).toBe(403);
    expect((await create({ event_type: 'mute.mute', filter: { user_id: SANDBOX_DEV } }, 'user')).status).toBe(200);
    expect((await create({ event_type: 'dm.sent', filter: { user_id: SANDBOX_DEV } }, 'bearer')).status).toBe(403);
    const noScope = await create({ event_type: 'like.create', filter: { user_id: SANDBOX_DEV } }, 'user');
    expect(noScope.status).toBe(403);
    expect(noScope.body.detail).toMatch(/like\.read/);
  });

  it('refuses a subscription past the self-serve limit with SubscriptionLimitExceeded', async () => {
    const subs = fake.sandbox.state.activitySubscriptions;
    for (let i = 0; i < ACTIVITY_SUBSCRIPTION_LIMIT; i++)
      subs.set(String(i), {
        subscription_id: String(i),
        event_type: 'post.create',
        filter: { user_id: String(i) },
        created_at: '',
        updated_at: '',
      });
    const r = await create({ event_type: 'post.create', filter: { user_id: XDEVELOPERS } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].message).toMatch(/^SubscriptionLimitExceeded/);
  });

  it('update takes only tag and webhook_id; bulk delete caps at 100 ids', async () => {
    const { body } = await create({ event_type: 'post.create', filter: { user_id: XDEVELOPERS } });
    const id = body.data.subscription.subscription_id;
    const bad = await call('PUT', `/2/activity/subscriptions/${id}`, { event_type: 'post.delete' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toMatch(/only tag and webhook_id/);
    const ok = await call('PUT', `/2/activity/subscriptions/${id}`, { tag: 'new' });
    expect(ok.body.data).toMatchObject({ subscription: { tag: 'new' }, total_subscriptions: 1 });
    const many = Array.from({ length: 101 }, (_, i) => String(i + 1)).join(',');
    expect((await call('DELETE', `/2/activity/subscriptions?ids=${many}`)).status).toBe(400);
    const single = await call('DELETE', `/2/activity/subscriptions/${id}`);
    expect(single.body).toEqual({ data: { deleted: true }, meta: { total_subscriptions: 0 } });
  });
});

describe('sandbox: account activity and stream rules', () => {
  it('AAA subscribe needs user context', async () => {
    const r = await call('POST', `/2/account_activity/webhooks/${webhookId}/subscriptions/all`, {}, 'bearer');
    expect(r.status).toBe(403);
  });

  it('rules: exactly one of add, delete or delete_all', async () => {
    const both = await call('POST', '/2/tweets/search/stream/rules', { add: [{ value: 'a' }], delete: { ids: ['1'] } });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].message).toMatch(/Exactly one of add, delete/);
    await call('POST', '/2/tweets/search/stream/rules', { add: [{ value: 'a' }, { value: 'b' }] });
    const dry = await call('POST', '/2/tweets/search/stream/rules?delete_all=true&dry_run=true');
    expect(dry.body.meta.summary).toEqual({ deleted: 2, not_deleted: 0 });
    expect(fake.sandbox.state.streamRules.size).toBe(2);
    await call('POST', '/2/tweets/search/stream/rules?delete_all=true');
    expect(fake.sandbox.state.streamRules.size).toBe(0);
  });
});

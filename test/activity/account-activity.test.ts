import { beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_DEV, XDEVELOPERS, type Fake, useFake } from './helpers.js';

let fake: Fake;
let webhookId: string;

useFake((f, id) => {
  fake = f;
  webhookId = id;
}, 'https://example.com/aaa');
beforeEach(() => {
  fake.sandbox.state.accountActivitySubscriptions.clear();
  fake.sandbox.requests.length = 0;
});

const DEPRECATION = /note: X is deprecating the Account Activity API in favour of the X Activity API/;
const base = () => `/2/account_activity/webhooks/${webhookId}/subscriptions`;

describe('account-activity', () => {
  it('subscribe signs with the user (OAuth 1.0a), status and list show it, with the deprecation note', async () => {
    const sub = await fake.runTTY(['account-activity', 'subscribe', '--webhook', webhookId]);
    expect(sub.code).toBe(0);
    expect(sub.stderr).toMatch(DEPRECATION);
    expect(sub.stdout).toMatch(/^subscribed: yes — events of this user now go to webhook \d+/);
    const [post] = fake.sent(base());
    expect(post).toMatchObject({ method: 'POST', path: `${base()}/all`, authKind: 'oauth1' });
    expect(fake.sandbox.state.accountActivitySubscriptions.get(webhookId)?.has(SANDBOX_DEV)).toBe(true);

    const status = await fake.run(['account-activity', 'status', '--webhook', webhookId]);
    expect(JSON.parse(status.stdout)).toEqual({ data: { subscribed: true } });
    expect(fake.sent(base()).at(-1)).toMatchObject({ method: 'GET', path: `${base()}/all`, authKind: 'oauth1' });

    const list = await fake.runTTY(['account-activity', 'list', '--webhook', webhookId]);
    expect(list.stdout).toContain(`webhook ${webhookId} (https://example.com/aaa)`);
    expect(list.stdout).toMatch(new RegExp(`^USER ID\\n${SANDBOX_DEV}$`, 'm'));
    expect(fake.sent(base()).at(-1)).toMatchObject({ method: 'GET', path: `${base()}/all/list`, authKind: 'bearer' });
  });

  it("explains X's refusals in one line: duplicate, limit, unknown webhook, not found", async () => {
    expect((await fake.run(['account-activity', 'subscribe', '--webhook', webhookId])).code).toBe(0);
    const dup = await fake.run(['account-activity', 'subscribe', '--webhook', webhookId]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(
      /^xcli: 400 .*DuplicateSubscriptionFailed: Subscription already exists.* — DuplicateSubscriptionFailed: this user is already subscribed/m,
    );

    fake.sandbox.state.accountActivitySubscriptions.set(webhookId, new Set(['1', '2', '3']));
    const limit = await fake.run(['account-activity', 'subscribe', '--webhook', webhookId]);
    expect(limit.code).toBe(1);
    expect(limit.stderr).toMatch(/SubscriptionLimitExceeded: the app has as many subscriptions as its tier allows/);

    const unknown = await fake.run(['account-activity', 'status', '--webhook', '77']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/WebhookIdInvalid: no webhook with this id belongs to the app/);

    const missing = await fake.run(['account-activity', 'unsubscribe', '--webhook', webhookId, '--user', XDEVELOPERS]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/SubscriptionNotFound: that user has no subscription on this webhook/);
  });

  it('unsubscribe resolves @handle and DELETEs with the bearer token; count reports the numbers', async () => {
    fake.sandbox.state.accountActivitySubscriptions.set(webhookId, new Set([XDEVELOPERS]));
    const r = await fake.run(['account-activity', 'unsubscribe', '--webhook', webhookId, '--user', '@XDevelopers']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ data: { subscribed: false } });
    expect(fake.sent('/2/account_activity/').at(-1)).toMatchObject({
      method: 'DELETE',
      path: `${base()}/${XDEVELOPERS}/all`,
      authKind: 'bearer',
    });
    expect(fake.sandbox.state.accountActivitySubscriptions.get(webhookId)?.size).toBe(0);

    fake.sandbox.state.accountActivitySubscriptions.set(webhookId, new Set(['5']));
    const count = await fake.runTTY(['account-activity', 'count']);
    expect(count.stdout).toMatch(/^subscriptions_count_all: +1$/m);
    expect(count.stdout).toMatch(/^provisioned_count: +3$/m);
  });

  it('refuses app-only auth for subscribe and missing flags before any request', async () => {
    const app = await fake.run(['account-activity', 'subscribe', '--webhook', webhookId, '--auth', 'app']);
    expect(app.code).toBe(2);
    expect(app.stderr).toMatch(/needs user context/);
    const noWebhook = await fake.run(['account-activity', 'list']);
    expect(noWebhook.code).toBe(2);
    expect(noWebhook.stderr).toMatch(/--webhook is required/);
    expect((await fake.run(['account-activity', 'unsubscribe', '--webhook', webhookId])).code).toBe(2);
    expect(fake.sandbox.requests).toHaveLength(0);
  });
});

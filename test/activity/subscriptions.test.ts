import { beforeEach, describe, expect, it } from 'vitest';
import { setCreateResponseShape } from '../../src/sandbox/emulator/routes/activity.js';
import { SANDBOX_DEV, XDEVELOPERS, type Fake, useFake } from './helpers.js';

let fake: Fake;
let webhookId: string;

useFake((f, id) => {
  fake = f;
  webhookId = id;
});
beforeEach(() => {
  fake.sandbox.state.activitySubscriptions.clear();
  fake.sandbox.requests.length = 0;
  setCreateResponseShape(fake.sandbox.state, 'openapi');
});

/** `activity subscriptions create --event-type TYPE --user USER …more`. */
const createArgs = (eventType: string, user: string, ...more: string[]): string[] => [
  'activity',
  'subscriptions',
  'create',
  '--event-type',
  eventType,
  '--user',
  user,
  ...more,
];
const body = (r: { body: string }) => JSON.parse(r.body) as Record<string, unknown>;

describe('activity subscriptions create', () => {
  it('resolves @handle through /2/users/by/username and posts the subscription; piped output is JSON', async () => {
    const r = await fake.run(createArgs('profile.update.bio', '@XDevelopers', '--webhook', webhookId, '--tag', 'bio watch'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lookups = fake.sent('/2/users/by/username/');
    expect(lookups.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /2/users/by/username/XDevelopers']);
    const [post] = fake.sent('/2/activity/subscriptions');
    expect(post!.method).toBe('POST');
    expect(body(post!)).toEqual({
      event_type: 'profile.update.bio',
      filter: { user_id: XDEVELOPERS },
      webhook_id: webhookId,
      tag: 'bio watch',
    });
    const out = JSON.parse(r.stdout);
    expect(out.data.subscription).toMatchObject({
      event_type: 'profile.update.bio',
      filter: { user_id: XDEVELOPERS },
      webhook_id: webhookId,
      tag: 'bio watch',
    });
    expect(fake.sandbox.state.activitySubscriptions.has(out.data.subscription.subscription_id)).toBe(true);
  });

  it('resolves @me through /2/users/me, maps a retired name with a note, and prints a record on a terminal', async () => {
    const r = await fake.runTTY(createArgs('ProfileBioUpdate', '@me', '--webhook', webhookId));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: 'ProfileBioUpdate' was retired.*profile\.update\.bio/);
    expect(fake.sent('/2/users/me').length).toBe(1);
    expect(r.stdout).toMatch(/^subscription_id: +\d+$/m);
    expect(r.stdout).toMatch(/^event_type: +profile\.update\.bio$/m);
    expect(r.stdout).toContain(`user_id=${SANDBOX_DEV}`);
  });

  it('accepts both direction spellings for DM types (sent/received and inbound/outbound)', async () => {
    for (const direction of ['received', 'outbound']) {
      const r = await fake.run(createArgs('dm.received', SANDBOX_DEV, '--direction', direction, '--json'));
      expect(r.code, r.stderr).toBe(0);
      const last = fake.sent('/2/activity/subscriptions').at(-1)!;
      expect(body(last)).toEqual({ event_type: 'dm.received', filter: { user_id: SANDBOX_DEV, direction } });
    }
  });

  it('news.new takes a keyword filter and no user', async () => {
    const r = await fake.run([
      'activity',
      'subscriptions',
      'create',
      '--event-type',
      'news.new',
      '--keyword',
      'AI',
      '--webhook',
      webhookId,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(body(fake.sent('/2/activity/subscriptions').at(-1)!)).toEqual({
      event_type: 'news.new',
      filter: { keyword: 'AI' },
      webhook_id: webhookId,
    });
    expect(fake.sent('/2/users/')).toHaveLength(0);
  });

  it.each([
    [
      ['--event-type', 'profile.updat.bio', '--user', '@XDevelopers'],
      /unknown event type 'profile.updat.bio'; did you mean 'profile.update.bio'\?/,
    ],
    [
      ['--event-type', 'profile.update.bio', '--user', '@XDevelopers', '--keyword', 'x'],
      /profile.update.bio does not take a --keyword/,
    ],
    [['--event-type', 'profile.update.bio', '--user', '@XDevelopers', '--direction', 'inbound'], /does not take a --direction/],
    [['--event-type', 'follow.follow', '--user', '@XDevelopers', '--direction', 'sent'], /direction must be inbound, outbound/],
    [['--event-type', 'news.new', '--user', '@XDevelopers'], /news.new does not take a --user/],
    [['--event-type', 'profile.update.bio'], /needs a --user/],
    [
      ['--event-type', 'profile.update.bio', '--user', '@XDevelopers', '--tag', 'x'.repeat(201)],
      /--tag must be 1 to 200 characters/,
    ],
    [['--event-type', 'profile.update.bio', '--user', 'not a handle'], /not a user id or @handle/],
    [['--event-type', 'profile.update.bio', '--user', '@XDevelopers', '--webhook', 'abc'], /--webhook must be a webhook id/],
    [['--user', '@XDevelopers'], /--event-type is required/],
  ])('refuses %j with exit 2 and sends nothing', async (args, message) => {
    const r = await fake.run(['activity', 'subscriptions', 'create', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(fake.sandbox.requests).toHaveLength(0);
  });

  it("explains X's refusals: unknown webhook, duplicate, unknown handle", async () => {
    const bad = await fake.run(createArgs('post.create', '@XDevelopers', '--webhook', '42'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/400 .*WebhookIdInvalid.*xcli webhook list/);
    expect(JSON.parse(bad.stdout).errors[0].message).toMatch(/^WebhookIdInvalid/);

    const args = createArgs('post.create', '@XDevelopers', '--webhook', webhookId);
    expect((await fake.run(args)).code).toBe(0);
    const dup = await fake.run(args);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/DuplicateSubscription: an identical subscription/);

    const nobody = await fake.run(createArgs('post.create', '@nobody_here_123'));
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toBe('xcli: no user @nobody_here_123 on X\n');
  });

  it('private events need the user: a bearer-only app is refused by X with the reason explained', async () => {
    const r = await fake.run(createArgs('like.create', '2244994945', '--auth', 'app'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/403 .*UserNotAuthorized.*private events need the user/);
  });

  it.each([
    ['object', (d: unknown) => !Array.isArray(d) && (d as { subscription_id?: string }).subscription_id !== undefined],
    ['array', (d: unknown) => Array.isArray(d)],
  ] as const)("reads X's %s create-response shape and prints the OpenAPI shape", async (shape, served) => {
    setCreateResponseShape(fake.sandbox.state, shape);
    // What the sandbox answers in this mode, seen directly.
    const direct = await fetch(`${fake.sandbox.url}/2/activity/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.sandbox.credentials.bearerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event_type: 'profile.update.url', filter: { user_id: XDEVELOPERS } }),
    });
    expect(served(((await direct.json()) as { data: unknown }).data)).toBe(true);
    const r = await fake.run(['activity', 'subscriptions', 'create', '--event-type', 'post.create', '--user', XDEVELOPERS]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).data.subscription).toMatchObject({ event_type: 'post.create', filter: { user_id: XDEVELOPERS } });
  });
});

async function seed(n: number): Promise<string[]> {
  const ids: string[] = [];
  const users = Array.from(fake.sandbox.state.users.keys());
  for (let i = 0; i < n; i++) {
    const r = await fake.run(
      createArgs(
        i % 2 ? 'post.create' : 'profile.update.bio',
        users[i % users.length]!,
        ...(i < 2 ? ['--webhook', webhookId] : []),
        '--tag',
        `t${i}`,
      ),
    );
    expect(r.code, r.stderr).toBe(0);
    ids.push(JSON.parse(r.stdout).data.subscription.subscription_id);
  }
  fake.sandbox.requests.length = 0;
  return ids;
}

describe('activity subscriptions list', () => {
  it('one page by default (with a hint), every page with --all, --webhook filters', async () => {
    const ids = await seed(3);
    const one = await fake.runTTY(['activity', 'subscriptions', 'list', '--max-results', '2']);
    expect(one.code).toBe(0);
    expect(one.stdout.split('\n')[0]).toMatch(/^ID +EVENT TYPE +FILTER +WEBHOOK +TAG +CREATED$/);
    expect(one.stdout.trim().split('\n')).toHaveLength(3);
    expect(one.stderr).toMatch(/add --all/);

    fake.sandbox.requests.length = 0;
    const all = await fake.run(['activity', 'subscriptions', 'list', '--all', '--max-results', '2']);
    expect(all.code).toBe(0);
    const pages = fake.sent('/2/activity/subscriptions');
    expect(pages.map((p) => p.query)).toEqual([{ max_results: '2' }, { max_results: '2', pagination_token: expect.any(String) }]);
    const doc = JSON.parse(all.stdout);
    expect(doc.data.map((s: { subscription_id: string }) => s.subscription_id)).toEqual(ids);
    expect(doc.meta).toMatchObject({ result_count: 3, total_subscriptions: 3 });

    const filtered = await fake.run(['activity', 'subscriptions', 'list', '--all', '--webhook', webhookId]);
    expect(JSON.parse(filtered.stdout).data.map((s: { subscription_id: string }) => s.subscription_id)).toEqual(ids.slice(0, 2));
  });

  it('says so on stderr when there is nothing, on a terminal', async () => {
    const r = await fake.runTTY(['activity', 'subscriptions', 'list']);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'no activity subscriptions\n' });
  });
});

describe('activity subscriptions update and delete', () => {
  it('update sends only tag and webhook_id with PUT', async () => {
    const [id] = await seed(1);
    const other = fake.addWebhook();
    const r = await fake.run(['activity', 'subscriptions', 'update', id!, '--tag', 'renamed', '--webhook', other]);
    expect(r.code, r.stderr).toBe(0);
    const [put] = fake.sent('/2/activity/subscriptions/');
    expect(put).toMatchObject({ method: 'PUT', path: `/2/activity/subscriptions/${id}` });
    expect(body(put!)).toEqual({ tag: 'renamed', webhook_id: other });
    expect(JSON.parse(r.stdout).data.subscription).toMatchObject({ tag: 'renamed', webhook_id: other });
    expect(fake.sandbox.state.activitySubscriptions.get(id!)).toMatchObject({ tag: 'renamed', webhook_id: other });
  });

  it('update without a change, or with a bad id, is a usage error; an unknown id is X 404', async () => {
    const none = await fake.run(['activity', 'subscriptions', 'update', '123']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nothing to update/);
    expect((await fake.run(['activity', 'subscriptions', 'update', 'x1', '--tag', 'a'])).code).toBe(2);
    expect(fake.sandbox.requests).toHaveLength(0);
    const missing = await fake.run(['activity', 'subscriptions', 'update', '123', '--tag', 'a']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/404 .*SubscriptionNotFound/);
  });

  it('deletes one id with DELETE /:id and several with one bulk ?ids= request, reporting per-id errors', async () => {
    const ids = await seed(3);
    const one = await fake.runTTY(['activity', 'subscriptions', 'delete', ids[0]!]);
    expect(one).toMatchObject({ code: 0, stdout: `deleted ${ids[0]}\n` });
    expect(fake.sent('/2/activity/subscriptions').map((r) => `${r.method} ${r.path}`)).toEqual([
      `DELETE /2/activity/subscriptions/${ids[0]}`,
    ]);

    fake.sandbox.requests.length = 0;
    const bulk = await fake.run(['activity', 'subscriptions', 'delete', ids[1]!, ids[2]!, '999']);
    const [del] = fake.sent('/2/activity/subscriptions');
    expect(del).toMatchObject({ method: 'DELETE', path: '/2/activity/subscriptions', query: { ids: `${ids[1]},${ids[2]},999` } });
    expect(bulk.code).toBe(1);
    expect(bulk.stderr).toMatch(/^xcli: 999: not deleted \(SubscriptionNotFound\)/m);
    expect(bulk.stderr).toMatch(/1 of 3 subscriptions not deleted/);
    expect(JSON.parse(bulk.stdout).data).toEqual([
      { subscription_id: ids[1], deleted: true },
      { subscription_id: ids[2], deleted: true },
    ]);
    expect(fake.sandbox.state.activitySubscriptions.size).toBe(0);
  });
});

describe('activity event-types', () => {
  it('lists types with filter and scope: a table on a terminal, JSON when piped', async () => {
    const tty = await fake.runTTY(['activity', 'event-types']);
    expect(tty.stdout).toMatch(/^EVENT TYPE +FILTER +SCOPE +PRIVACY +NOTE$/m);
    expect(tty.stdout).toMatch(/^follow\.follow +user_id \[direction=inbound\|outbound\] +tweet\.read +multi/m);
    expect(tty.stdout).toMatch(/^like\.create +user_id +like\.read +private/m);
    const piped = await fake.run(['activity', 'event-types']);
    const doc = JSON.parse(piped.stdout);
    expect(doc.data.find((t: { name: string }) => t.name === 'news.new')).toMatchObject({
      filters: ['keyword'],
      scope: 'tweet.read',
    });
    expect(doc.meta.retired.ProfileBioUpdate).toBe('profile.update.bio');
    expect(fake.sandbox.requests).toHaveLength(0);
  });
});

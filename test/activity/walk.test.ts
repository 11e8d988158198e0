// The seed tutorial's walk through processes: `webhook start --register` → `activity subscriptions
// create --user @me` → X (the sandbox) emits profile.update.bio → the event arrives signed, is shown
// and logged as verified.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer, type Rec, type RunningServer } from '../webhook/helpers.js';
import { SANDBOX_DEV, type Fake, useFake } from './helpers.js';

const TUNNEL = resolve(import.meta.dirname, 'fixtures/loopback-tunnel.mjs');

let fake: Fake;
useFake((f) => {
  fake = f;
});

/** The event log named by the server's `ready` record. */
function logLines(server: RunningServer): Rec[] {
  const file = server.records.find((r) => r.type === 'ready')!.logFiles[0] as string;
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** A log line, or the `record` of a `--json` event record, carrying this bio. */
const isBio = (after: string) => (r: Rec) => {
  const rec = (r.type === 'event' ? r.record : r) as Rec | undefined;
  return rec?.product === 'activity' && typeof rec.body === 'string' && rec.body.includes(after);
};

describe('the seed walk', () => {
  it('webhook start --register, subscriptions create --user @me, a bio change arrives verified on stdout and in the log', async () => {
    fake.sandbox.state.webhooks.clear();
    const server = await startServer(['--register', '--tunnel-module', TUNNEL], fake.env);
    try {
      const registered = await server.waitFor((r) => r.type === 'register' && r.action === 'created');
      const webhookId = registered.webhookId as string;
      expect(fake.sandbox.state.webhooks.get(webhookId)?.valid).toBe(true);

      const create = await fake.run([
        'activity',
        'subscriptions',
        'create',
        '--event-type',
        'profile.update.bio',
        '--user',
        '@me',
        '--webhook',
        webhookId,
      ]);
      expect(create.code, create.stderr).toBe(0);
      expect(JSON.parse(create.stdout).data.subscription).toMatchObject({
        filter: { user_id: SANDBOX_DEV },
        webhook_id: webhookId,
      });

      fake.sandbox.emit('profile.update.bio', {
        userId: SANDBOX_DEV,
        payload: { before: 'hello', after: 'hello from the walk' },
      });
      const shown = (await server.waitFor(isBio('hello from the walk'))).record as Rec;
      expect(shown).toMatchObject({ verdict: 'valid', product: 'activity', forUserId: SANDBOX_DEV });
      expect(shown.headers['x-twitter-webhooks-signature']).toMatch(/^sha256=/);

      expect(await server.stop()).toBe(0);
      const logged = logLines(server).find(isBio('hello from the walk'));
      expect(logged).toMatchObject({ verdict: 'valid', type: 'profile.update.bio', forUserId: SANDBOX_DEV, dup: false });
      expect(JSON.parse(logged!.body).data.payload).toEqual({ before: 'hello', after: 'hello from the walk' });
    } finally {
      server.cleanup();
    }
  });

  it('webhook start --subscribe TYPE:@me --ephemeral lists the feeds, subscribes, and cleans up on exit', async () => {
    fake.sandbox.state.activitySubscriptions.clear();
    fake.sandbox.state.webhooks.clear();
    const server = await startServer(
      [
        '--register',
        '--ephemeral',
        '--tunnel-module',
        TUNNEL,
        '--subscribe',
        'ProfileBioUpdate:@me',
        '--subscribe',
        'post.create:@sandbox_friend',
      ],
      fake.env,
    );
    try {
      const registered = await server.waitFor((r) => r.type === 'register' && r.action === 'created');
      const webhookId = registered.webhookId as string;
      await server.waitForStderr('✓ subscribed: post.create');
      expect(server.stderr()).toContain(`Webhook ${webhookId} is fed by 0 activity subscriptions`);
      expect(server.stderr()).toMatch(/note: --subscribe ProfileBioUpdate:@me: 'ProfileBioUpdate' was retired/);
      expect(server.stderr()).toMatch(
        new RegExp(`✓ subscribed: profile\\.update\\.bio user_id=${SANDBOX_DEV} \\(subscription \\d+\\)`),
      );
      const subs = [...fake.sandbox.state.activitySubscriptions.values()];
      expect(subs.map((s) => [s.event_type, s.webhook_id])).toEqual([
        ['profile.update.bio', webhookId],
        ['post.create', webhookId],
      ]);

      fake.sandbox.emit('profile.update.bio', { userId: SANDBOX_DEV, payload: { before: 'a', after: 'subscribed at start' } });
      expect((await server.waitFor(isBio('subscribed at start'))).record).toMatchObject({ verdict: 'valid' });

      expect(await server.stop()).toBe(0);
      expect(server.stderr()).toMatch(/✓ deleted 2 subscriptions created for this run/);
      expect(fake.sandbox.state.activitySubscriptions.size).toBe(0);
      expect(fake.sandbox.state.webhooks.size).toBe(0);
    } finally {
      server.cleanup();
    }
  });

  it('--subscribe without --register, or with an unknown type, is a usage error before anything starts', async () => {
    const noRegister = await fake.run(['webhook', 'start', '--no-tunnel', '--port', '0', '--subscribe', 'post.create:@me']);
    expect(noRegister.code).toBe(2);
    expect(noRegister.stderr).toMatch(/--subscribe needs --register/);
    const typo = await fake.run([
      'webhook',
      'start',
      '--register',
      '--tunnel-module',
      TUNNEL,
      '--port',
      '0',
      '--subscribe',
      'post.creat:@me',
    ]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/did you mean 'post.create'/);
  });
});

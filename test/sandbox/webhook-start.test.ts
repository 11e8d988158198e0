// `xcli webhook start --sandbox`: the README quick start's first command, end to end through
// processes. Other commands find the embedded sandbox through the saved app's API base.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from '../helpers/run-cli.js';
import { startServer, type Rec, type RunningServer } from '../webhook/helpers.js';

const running: RunningServer[] = [];
afterEach(() => {
  for (const s of running.splice(0)) s.cleanup();
});

const eventOf = (type: string) => (r: Rec) => r.type === 'event' && r.record.type === type;

describe('webhook start --sandbox', () => {
  it('starts the sandbox, registers with a real CRC, subscribes, and shows the walk signed and verified', async () => {
    const server = await startServer(['--sandbox']);
    running.push(server);
    const env = { XCLI_CONFIG_DIR: server.configDir };
    const registered = await server.waitFor((r) => r.type === 'register' && r.action === 'created');
    expect(registered.url).toBe(server.url);
    // The sandbox's CRC reached the server (the self-check is a second one), answered with the sandbox app's secret.
    expect(server.records.filter((r) => r.type === 'crc' && r.ok).length).toBeGreaterThanOrEqual(2);
    await expect.poll(() => server.stderr(), { timeout: 8000 }).toContain('Now, in another terminal');
    for (const type of ['post.create', 'post.reply.create', 'like.create', 'follow.follow', 'profile.update.bio']) {
      expect(server.stderr()).toMatch(new RegExp(`✓ subscribed: ${type.replace(/\./g, '\\.')} user_id=1849202834569625600`));
    }
    expect(server.stderr()).toContain('xcli --app sandbox post "hello"');
    expect(server.stderr()).toContain('xcli sandbox emit profile.update.bio --user @sandbox_dev');

    const config = JSON.parse(readFileSync(join(server.configDir, 'config.json'), 'utf8'));
    expect(config.apps.sandbox.apiBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const post = await runCli(['--app', 'sandbox', 'post', 'hello'], { env });
    expect(post.code, post.stderr).toBe(0);
    const postId = JSON.parse(post.stdout).data.id as string;
    const bio = await runCli(
      ['sandbox', 'emit', 'profile.update.bio', '--user', '@sandbox_dev', '--set', 'after=hello from the quick start'],
      { env },
    );
    expect(bio.code, bio.stderr).toBe(0);
    expect((await runCli(['--app', 'sandbox', 'like', postId], { env })).code).toBe(0);
    expect((await runCli(['--app', 'sandbox', 'follow', '@X'], { env })).code).toBe(0);

    const created = (await server.waitFor(eventOf('post.create'))).record;
    expect(created).toMatchObject({ verdict: 'valid', product: 'activity', forUserId: '1849202834569625600' });
    expect(JSON.parse(created.body).data.payload.text).toBe('hello');
    expect(created.headers['x-twitter-webhooks-signature']).toMatch(/^sha256=/);
    const changed = (await server.waitFor(eventOf('profile.update.bio'))).record;
    expect(JSON.parse(changed.body).data.payload.after).toBe('hello from the quick start');
    for (const type of ['like.create', 'follow.follow'])
      expect((await server.waitFor(eventOf(type))).record.verdict).toBe('valid');

    const deliveries = await runCli(['sandbox', 'deliveries', '--webhook', registered.webhookId], { env });
    expect(deliveries.code, deliveries.stderr).toBe(0);
    const rows = JSON.parse(deliveries.stdout) as { outcome: string; attempts: { status: number }[] }[];
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.every((d) => d.outcome === 'delivered' && d.attempts[0]!.status === 200)).toBe(true);

    // One Ctrl-C stops the server (summary) and the sandbox with it.
    expect(await server.stop()).toBe(0);
    expect(server.records.at(-1)).toMatchObject({ type: 'summary', stats: { verified: rows.length, unverified: 0 } });
    const logged = readFileSync(join(server.configDir, 'events', 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Rec);
    expect(logged.map((l) => l.type).sort()).toEqual(
      server.records
        .filter((r) => r.type === 'event')
        .map((r) => r.record.type)
        .sort(),
    );
    expect(logged.every((l) => l.verdict === 'valid')).toBe(true);
    const after = await runCli(['sandbox', 'status'], { env });
    expect(after.code).toBe(4);
  });

  it('--subscribe replaces the default event types', async () => {
    const server = await startServer(['--sandbox', '--subscribe', 'post.create:@sandbox_friend']);
    running.push(server);
    await expect.poll(() => server.stderr(), { timeout: 8000 }).toContain('Now, in another terminal');
    expect(server.stderr()).toContain('✓ subscribed: post.create user_id=1849202834569625601');
    expect(server.stderr()).not.toContain('✓ subscribed: like.create');
    expect(await server.stop()).toBe(0);
  });

  it('refuses another app, tunnels and X-only registration flags with a usage error, before anything starts', async () => {
    const { dir, cleanup } = tempConfigDir();
    try {
      const env = { XCLI_CONFIG_DIR: dir };
      const cases: [string[], RegExp][] = [
        [['--app', 'prod'], /^xcli: --sandbox uses the app 'sandbox'.*drop --app prod/],
        [['--public-url', 'https://example.com/webhook'], /^xcli: --sandbox needs no tunnel.*drop --public-url/],
        [['--tunnel-module', './t.mjs'], /drop --tunnel-module/],
        [['--ephemeral'], /^xcli: --ephemeral is for registering at X/],
        [['--host', '0.0.0.0'], /loopback/],
      ];
      for (const [args, message] of cases) {
        const res = await runCli(['webhook', 'start', '--sandbox', '--port', '0', ...args], { env });
        expect(res.code, args.join(' ')).toBe(2);
        expect(res.stderr).toMatch(message);
      }
      expect(existsSync(join(dir, 'config.json'))).toBe(false);

      expect((await runCli(['auth', 'apps', 'add', 'sandbox', '--client-id', 'real-client'], { env })).code).toBe(0);
      const before = readFileSync(join(dir, 'config.json'), 'utf8');
      const taken = await runCli(['webhook', 'start', '--sandbox', '--port', '0'], { env });
      expect(taken.code).toBe(2);
      expect(taken.stderr).toMatch(/^xcli: app 'sandbox' exists and is not a sandbox, and --sandbox needs that name/);
      expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(before);
    } finally {
      cleanup();
    }
  });
});

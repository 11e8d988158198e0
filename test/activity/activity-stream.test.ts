import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { testIO } from '../../src/io.js';
import { spawnCli } from '../helpers/run-cli.js';
import { whenStreamShows } from '../helpers/stream-wait.js';
import { XDEVELOPERS, type Fake, useFake } from './helpers.js';

let fake: Fake;

useFake((f) => {
  fake = f;
});
beforeEach(() => {
  fake.sandbox.state.activitySubscriptions.clear();
  fake.sandbox.requests.length = 0;
});

function subscribeBio(): void {
  const now = new Date().toISOString();
  fake.sandbox.state.activitySubscriptions.set('100', {
    subscription_id: '100',
    event_type: 'profile.update.bio',
    filter: { user_id: XDEVELOPERS },
    tag: 'bio',
    created_at: now,
    updated_at: now,
  });
}

const bioChange = (after: string) => ({ userId: XDEVELOPERS, payload: { before: 'old bio', after } });

/** Polls in-process state (it has no event to wait on) until `check` holds or the test's own timeout is near. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 15_000; !check() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('activity stream', () => {
  it('prints backfilled and live events as NDJSON when piped, with backfill_minutes sent', async () => {
    subscribeBio();
    fake.sandbox.emit('profile.update.bio', bioChange('before connecting'));
    const child = spawnCli(['activity', 'stream', '--backfill-minutes', '2'], { env: fake.env });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      // An early exit fails at once with its stderr rather than at the test's timeout.
      const early = exited.then((code) => {
        if (!out.includes('\n')) throw new Error(`exited ${code} early: ${err}`);
      });
      await Promise.race([whenStreamShows(child.stdout!, () => out.includes('\n')), early]);
      fake.sandbox.emit('profile.update.bio', bioChange('live'));
      await whenStreamShows(child.stdout!, () => out.split('\n').length > 2);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.data.payload.after)).toEqual(['before connecting', 'live']);
    expect(lines[0].data).toMatchObject({ event_type: 'profile.update.bio', filter: { user_id: XDEVELOPERS }, tag: 'bio' });
    expect(fake.sent('/2/activity/stream')[0]).toMatchObject({
      method: 'GET',
      query: { backfill_minutes: '2' },
      authKind: 'bearer',
    });
  });

  it('--max-records N prints N events and exits 0 (the backfill holds more)', async () => {
    subscribeBio();
    for (const after of ['one', 'two', 'three']) fake.sandbox.emit('profile.update.bio', bioChange(after));
    const r = await fake.run(['activity', 'stream', '--backfill-minutes', '2', '--max-records', '2']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.data).toMatchObject({ event_type: 'profile.update.bio', tag: 'bio' });
  });

  it('renders events like webhook start on a terminal', async () => {
    subscribeBio();
    const io = testIO({ stdoutTTY: true });
    let stop: (() => void) | undefined;
    const done = main(['activity', 'stream'], io, fake.env, { onInterrupt: (h) => ((stop = h), () => {}) });
    await until(() => fake.sandbox.streams.size > 0, 'the stream to open');
    fake.sandbox.emit('profile.update.bio', bioChange('rendered bio'));
    await until(() => io.out().includes('\n'), 'a rendered line');
    stop!();
    expect(await done).toBe(0);
    // One console line (not JSON): the type, who, the change and the event id, as webhook start shows them.
    const lines = io.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d .*profile\.update\.bio .*2244994945.*rendered bio.*\[-?\d+\]/);
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });

  it.each([
    [['--backfill-minutes', '9'], /--backfill-minutes must be a whole number from 0 to 5/],
    [['--start-time', 'yesterday'], /--start-time must be an ISO 8601 time/],
    [['--start-time', '2026-11-23T10:00:00Z', '--end-time', '2026-11-23T09:00:00Z'], /--start-time must be before --end-time/],
  ])('refuses %j with exit 2 before connecting', async (args, message) => {
    const r = await fake.run(['activity', 'stream', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(fake.sandbox.requests).toHaveLength(0);
  });
});

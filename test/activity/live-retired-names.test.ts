// Issue 19 item 6: retired event names (ProfileBioUpdate) are mapped to their current name wherever
// a type is typed: `--events` / `--type` filters and `sandbox emit` (subscriptions already were).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const { defer, configDir } = cleanupAfterEach();

describe('retired event names', () => {
  it('webhook events --type ProfileBioUpdate selects profile.update.bio', async () => {
    const dir = configDir();
    const record = (id: string, type: string): string =>
      JSON.stringify({
        v: 1,
        id,
        time: '2026-01-01T10:00:00.000Z',
        path: '/webhook',
        headers: {},
        verdict: 'valid',
        dup: false,
        type,
        product: 'x-activity',
        body: '{}',
      });
    mkdirSync(join(dir, 'events'), { recursive: true });
    writeFileSync(join(dir, 'events', 'events.jsonl'), `${record('a', 'post.create')}\n${record('b', 'profile.update.bio')}\n`);
    const r = await runCli(['webhook', 'events', '--type', 'ProfileBioUpdate,FollowFollow', '--json'], {
      env: { XCLI_CONFIG_DIR: dir },
    });
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(['b']);
  });

  it('sandbox emit ProfileBioUpdate emits profile.update.bio, with a note', async () => {
    const dir = configDir();
    const sandbox = spawnCli(['sandbox'], { env: { XCLI_CONFIG_DIR: dir } });
    const exited = new Promise((resolve) => sandbox.on('close', resolve));
    defer(async () => {
      sandbox.kill('SIGKILL');
      await exited;
    });
    let err = '';
    await new Promise<void>((resolve, reject) => {
      sandbox.stderr!.on('data', (c: Buffer) => {
        err += c.toString();
        if (err.includes("credentials saved as app 'sandbox'")) resolve();
      });
      void exited.then(() => reject(new Error(`sandbox exited: ${err}`)));
    });
    sandbox.stdout!.resume();
    const r = await runCli(['sandbox', 'emit', 'ProfileBioUpdate'], { env: { XCLI_CONFIG_DIR: dir } });
    expect(r.stderr).toBe("xcli: 'ProfileBioUpdate' was retired by X on 2026-03-18; using 'profile.update.bio'\n");
    expect(r.code).toBe(0);
    expect(JSON.stringify(JSON.parse(r.stdout).payload)).toBeTruthy();
  });
});

// Issue 19 item 6: latencies in --json records are rounded to 0.1 ms (webhook start's forward and
// self-check records, trigger, check, replay-local), not 15 digits of timer noise.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { SECRET, startApp, startServer, type Rec, type RunningServer, type TestApp } from './helpers.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const { defer } = cleanupAfterEach();

const TENTH_OF_MS = /^\d+(\.\d)?$/;

describe('--json latencies', () => {
  it('are rounded to 0.1 ms in every webhook JSON record', async () => {
    const app: TestApp = await startApp((_req, _body, res) => res.writeHead(200).end('ok'));
    defer(() => app.close());
    const s: RunningServer = await startServer(['--forward-to', `${app.url}/app`]);
    defer(() => s.cleanup());
    const env = { XCLI_CONFIG_DIR: s.configDir, X_CONSUMER_SECRET: SECRET };

    const trigger = await runCli(['webhook', 'trigger', 'like.create', '--to', s.url, '--json'], { env });
    expect(trigger.code).toBe(0);
    expect(String(JSON.parse(trigger.stdout).latencyMs)).toMatch(TENTH_OF_MS);

    const forward: Rec = await s.waitFor((r) => r.type === 'forward');
    expect(String(forward.latencyMs)).toMatch(TENTH_OF_MS);

    const check = await runCli(['webhook', 'check', s.url, '--event', 'like.create', '--json'], { env });
    const timed = JSON.parse(check.stdout).checks.filter((c: Rec) => c.latencyMs !== undefined);
    expect(timed).toHaveLength(2);
    for (const c of timed) expect(String(c.latencyMs)).toMatch(TENTH_OF_MS);

    const replay = await runCli(['webhook', 'replay-local', '--since', '1h', '--to', `${app.url}/app`, '--json'], { env });
    expect(replay.code).toBe(0);
    const lines = replay.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Rec);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(String(l.latencyMs)).toMatch(TENTH_OF_MS);
  });
});

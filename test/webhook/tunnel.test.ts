import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { crcResponseToken } from '../../src/webhook/crc.js';
import { ngrokError } from '../../src/webhook/tunnel.js';
import { get, SECRET, startServer, type RunningServer } from './helpers.js';

const FAKE_TUNNEL = resolve(import.meta.dirname, 'fixtures/fake-tunnel.mjs');
const running: RunningServer[] = [];
afterEach(() => {
  for (const s of running.splice(0)) s.cleanup();
});

describe('tunnels', () => {
  it('serves through a plugged-in tunnel, self-checks the CRC through it, and reconnects when it drops', async () => {
    const s = await startServer(['--tunnel-module', FAKE_TUNNEL]);
    running.push(s);
    const ready = s.records.find((r) => r.type === 'ready')!;
    expect(ready.publicUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
    expect(ready.url).toBe(ready.publicUrl);
    expect(await s.waitFor((r) => r.type === 'selfcheck')).toMatchObject({ ok: true, url: ready.publicUrl });
    const viaTunnel = await get(`${ready.publicUrl}?crc_token=helloWorld`);
    expect(await viaTunnel.json()).toEqual({ response_token: crcResponseToken(SECRET, 'helloWorld') });

    await get(new URL('/__fake_tunnel/drop', ready.publicUrl).href);
    expect(await s.waitFor((r) => r.type === 'tunnel' && r.state === 'reconnecting')).toMatchObject({
      message: 'fake tunnel dropped',
    });
    const reopened = await s.waitFor((r) => r.type === 'tunnel' && r.state === 'open');
    expect(reopened.url).not.toBe(ready.publicUrl);
    await s.waitFor((r) => r.type === 'selfcheck' && r.url === reopened.url && r.ok);
    expect((await get(`${reopened.url}?crc_token=helloWorld`)).status).toBe(200);
    expect(await s.stop()).toBe(0);
    expect(s.stderr()).toMatch(/fake tunnel #2 open/);
  });

  it('retries with backoff when reopening fails', async () => {
    const s = await startServer(['--tunnel-module', FAKE_TUNNEL], { FAKE_TUNNEL_FAIL_ON: '2' });
    running.push(s);
    const ready = s.records.find((r) => r.type === 'ready')!;
    await get(new URL('/__fake_tunnel/drop', ready.publicUrl).href);
    const failed = await s.waitFor((r) => r.type === 'tunnel' && r.state === 'failed');
    expect(failed.message).toMatch(/ERR_NGROK_108/);
    const delays = s.records.filter((r) => r.type === 'tunnel' && r.state === 'reconnecting').map((r) => r.retryInMs);
    await s.waitFor((r) => r.type === 'tunnel' && r.state === 'open');
    expect(s.records.filter((r) => r.type === 'tunnel' && r.state === 'reconnecting').map((r) => r.retryInMs)).toEqual([
      delays[0],
      delays[0] * 2,
    ]);
  });

  it('a --public-url is announced and self-checked, and a bad tunnel module is a usage error', async () => {
    const s = await startServer(['--public-url', 'http://127.0.0.1:9']);
    running.push(s);
    expect(s.records[0]).toMatchObject({ type: 'ready', url: 'http://127.0.0.1:9/webhook' });
    expect((await s.waitFor((r) => r.type === 'selfcheck')).problem).toMatch(/connection refused/);
    const { runCli, tempConfigDir } = await import('../helpers/run-cli.js');
    const dir = tempConfigDir();
    const r = await runCli(['webhook', 'start', '--port', '0', '--tunnel-module', './nope.mjs'], {
      env: { XCLI_CONFIG_DIR: dir.dir, X_CONSUMER_SECRET: 'x' },
    });
    dir.cleanup();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^xcli: cannot load tunnel module \.\/nope\.mjs/);
  });

  it('turns ngrok error codes into one-line fixes', () => {
    const coded = (code: string): Error =>
      Object.assign(new Error(`failed to connect\n\nerror_code: ${code}`), { errorCode: code });
    expect(ngrokError(coded('ERR_NGROK_4018'))).toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(/NGROK_AUTHTOKEN.*\(ERR_NGROK_4018\)$/),
    });
    expect(ngrokError(coded('ERR_NGROK_105')).message).toMatch(/malformed/);
    expect(ngrokError(coded('ERR_NGROK_107')).message).toMatch(/revoked/);
    expect(ngrokError(coded('ERR_NGROK_108'))).toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/too many agent sessions/),
    });
    expect(ngrokError(coded('ERR_NGROK_334')).message).toMatch(/already online/);
    expect(ngrokError(new Error('something else\nmore')).message).toBe(
      'ngrok failed: something else; use --no-tunnel or --public-url URL to run without ngrok',
    );
  });
});

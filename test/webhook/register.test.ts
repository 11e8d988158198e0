import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';
import { runCli } from '../helpers/run-cli.js';
import { get, startApp, startServer, type RunningServer } from './helpers.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const FAKE_TUNNEL = resolve(import.meta.dirname, 'fixtures/fake-tunnel.mjs');
const { defer, configDir } = cleanupAfterEach();
async function fakeX(options: Parameters<typeof startFakeX>[0] = {}): Promise<FakeX> {
  const fake = await startFakeX(options);
  defer(() => fake.close());
  return fake;
}
async function server(args: string[], env: Record<string, string>, dir?: string): Promise<RunningServer> {
  const s = await startServer(args, env, dir);
  defer(() => s.cleanup());
  return s;
}
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}
const webhooksOf = (fake: FakeX) => [...fake.sandbox.state.webhooks.values()];

describe('webhook start --register', () => {
  it('registers through the tunnel (X runs a real CRC), re-registers a new URL after a drop, and --ephemeral deletes it on exit', async () => {
    const fake = await fakeX();
    const s = await server(['--tunnel-module', FAKE_TUNNEL, '--register', '--ephemeral'], fake.env({ all: true }));
    const ready = s.records.find((r) => r.type === 'ready')!;
    const created = await s.waitFor((r) => r.type === 'register' && r.action === 'created');
    expect(created.url).toBe(ready.publicUrl);
    expect(webhooksOf(fake).map((w) => [w.id, w.url, w.valid])).toEqual([[created.webhookId, ready.publicUrl, true]]);
    expect(s.records.some((r) => r.type === 'crc' && r.ok)).toBe(true); // the fake X's CRC reached us

    await get(new URL('/__fake_tunnel/drop', ready.publicUrl).href);
    const again = await s.waitFor((r) => r.type === 'register' && r.action === 'created' && r.webhookId !== created.webhookId);
    expect(s.records.some((r) => r.type === 'register' && r.action === 'deleted' && r.webhookId === created.webhookId)).toBe(
      true,
    );
    expect(webhooksOf(fake).map((w) => w.id)).toEqual([again.webhookId]);

    expect(await s.stop()).toBe(0);
    expect(webhooksOf(fake)).toEqual([]);
    expect(s.records.at(-1)!.type).toBe('summary');
  });

  it('re-validates a URL that is already registered, and explains the webhook limit unless --replace', async () => {
    const fake = await fakeX();
    const dir = configDir();
    const port = String(await freePort());
    const publicUrl = `http://127.0.0.1:${port}`;
    const first = await server(['--port', port, '--public-url', publicUrl, '--register'], fake.env({ all: true }), dir);
    const made = await first.waitFor((r) => r.type === 'register');
    expect(made.action).toBe('created');
    await first.stop();
    const second = await server(['--port', port, '--public-url', publicUrl, '--register'], fake.env({ all: true }), dir);
    expect(await second.waitFor((r) => r.type === 'register')).toMatchObject({
      action: 'revalidated',
      webhookId: made.webhookId,
    });
    await second.stop();

    const other = await runCli(['webhook', 'start', '--port', '0', '--tunnel-module', FAKE_TUNNEL, '--register', '--json'], {
      env: { XCLI_CONFIG_DIR: dir, ...fake.env({ all: true }) },
    });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(
      new RegExp(
        `(^|\\n)xcli: the webhook limit is reached \\(existing: ${made.webhookId} ${publicUrl}/webhook\\); rerun with --replace`,
      ),
    );
    expect(webhooksOf(fake).map((w) => w.id)).toEqual([made.webhookId]);

    const replaced = await server(['--tunnel-module', FAKE_TUNNEL, '--register', '--replace'], fake.env({ all: true }), dir);
    const created = await replaced.waitFor((r) => r.type === 'register' && r.action === 'created');
    expect(replaced.records.some((r) => r.type === 'register' && r.action === 'deleted' && r.webhookId === made.webhookId)).toBe(
      true,
    );
    expect(webhooksOf(fake).map((w) => w.id)).toEqual([created.webhookId]);
  });
});

describe('webhook list, create, validate, delete, replay', () => {
  it('explains the webhook limit to `webhook create` with a fix that command has', async () => {
    const fake = await fakeX();
    const dir = configDir();
    const env = { XCLI_CONFIG_DIR: dir, ...fake.env({ all: true }) };
    const s = await server([], fake.env({ all: true }), dir);
    expect((await runCli(['webhook', 'create', s.url], { env })).code).toBe(0);
    const second = await runCli(['webhook', 'create', 'http://127.0.0.1:9/webhook'], { env });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/WebhookLimitExceeded: .*delete one with 'xcli webhook delete ID'/);
    expect(second.stderr).not.toMatch(/--replace/);
  });

  it('manages webhooks at the fake X and explains X failure reasons', async () => {
    const fake = await fakeX({ webhookLimit: 3 });
    const dir = configDir();
    const env = { XCLI_CONFIG_DIR: dir, ...fake.env({ all: true }) };
    const s = await server([], fake.env({ all: true }), dir);

    const created = await runCli(['webhook', 'create', s.url], { env });
    expect(created.code, created.stderr).toBe(0);
    const id = JSON.parse(created.stdout).data.id as string;
    const list = await runCli(['webhook', 'list'], { env });
    expect(JSON.parse(list.stdout).data).toEqual([expect.objectContaining({ id, url: s.url, valid: true })]);
    const validate = await runCli(['webhook', 'validate', id], { env });
    expect(JSON.parse(validate.stdout)).toEqual({ data: { valid: true } });
    const replay = await runCli(['webhook', 'replay', id, '--from', '90m', '--to', '20m'], { env });
    expect(replay.code, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout).data.job_id).toBeTruthy();

    const dup = await runCli(['webhook', 'create', s.url], { env });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/DuplicateUrlFailed: this URL is already registered/);
    const wrong = await startApp((_req, _b, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"response_token":"sha256=nope"}'),
    );
    defer(() => wrong.close());
    const crcFail = await runCli(['webhook', 'create', `${wrong.url}/hook`], { env });
    expect(crcFail.code).toBe(1);
    expect(crcFail.stderr.trim().split('\n')).toHaveLength(1);
    expect(crcFail.stderr).toMatch(/CrcValidationFailed: X sent a CRC to the URL and got no correct answer/);
    const port = await runCli(['webhook', 'create', 'https://example.com:8443/x'], { env });
    expect(port.stderr).toMatch(/UrlValidationFailed/);
    const badId = await runCli(['webhook', 'delete', 'abc'], { env });
    expect(badId.code).toBe(2);
    const unknown = await runCli(['webhook', 'validate', '999'], { env });
    expect(unknown.stderr).toMatch(/WebhookIdInvalid/);

    const deleted = await runCli(['webhook', 'delete', id, '--json'], { env });
    expect(JSON.parse(deleted.stdout)).toEqual({ data: { deleted: true } });
    expect(webhooksOf(fake)).toEqual([]);
  });

  it("checks X's URL rules locally when the API base is X's own, without any request", async () => {
    const dir = configDir();
    const env = { XCLI_CONFIG_DIR: dir, X_BEARER_TOKEN: 'b', XCLI_API_BASE_URL: 'https://api.x.com' };
    for (const [url, why] of [
      ['http://example.com/x', /only accepts https/],
      ['https://example.com:8443/x', /refuses webhook URLs with a port \(8443\)/],
      [`https://example.com/${'a'.repeat(200)}`, /at most 200 characters/],
    ] as const) {
      const r = await runCli(['webhook', 'create', url], { env });
      expect(r.code, url).toBe(2);
      expect(r.stderr).toMatch(why);
    }
  });
});

import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli, tempConfigDir } from '../helpers/run-cli.js';
import { startReceiver } from './receiver.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Starts `xcli sandbox` and resolves with its URL (first stdout line). */
async function startSandboxCli(
  configDir: string,
  args: string[] = [],
): Promise<{ child: ChildProcess; url: string; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawnCli(['sandbox', ...args], { env: { XCLI_CONFIG_DIR: configDir } });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    exited.then(() => reject(new Error(`sandbox exited: ${err}`)));
  });
  return { child, url, stderr: () => err, exited };
}

function temp() {
  const t = tempConfigDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('xcli sandbox', () => {
  it('serves the whole webhook walk: register with CRC, subscribe, post and emit arrive signed', async () => {
    const dir = temp();
    const sb = await startSandboxCli(dir);
    expect(sb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect.poll(() => sb.stderr()).toContain("credentials saved as app 'sandbox'");
    const env = { XCLI_CONFIG_DIR: dir };
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.apps.sandbox.apiBaseUrl).toBe(sb.url);

    const me = await runCli(['--app', 'sandbox', '/2/users/me'], { env });
    expect(me.code).toBe(0);
    expect(JSON.parse(me.stdout).data.username).toBe('sandbox_dev');

    const receiver = await startReceiver(config.apps.sandbox.oauth1.consumerSecret);
    cleanups.push(() => receiver.close());
    const created = await runCli(['--app', 'sandbox', '-X', 'POST', '/2/webhooks', '-d', JSON.stringify({ url: receiver.url })], {
      env,
    });
    expect(created.code).toBe(0);
    expect(receiver.crcCount).toBe(1);
    const webhookId = JSON.parse(created.stdout).data.id;
    for (const event_type of ['post.create', 'profile.update.bio']) {
      const sub = await runCli(
        [
          '--app',
          'sandbox',
          '-X',
          'POST',
          '/2/activity/subscriptions',
          '-d',
          JSON.stringify({ event_type, filter: { user_id: JSON.parse(me.stdout).data.id }, webhook_id: webhookId }),
        ],
        { env },
      );
      expect(sub.code, sub.stderr).toBe(0);
    }

    expect(
      (await runCli(['--app', 'sandbox', '-X', 'POST', '/2/tweets', '-d', '{"text":"hello from the walk"}'], { env })).code,
    ).toBe(0);
    const emitted = await runCli(
      ['sandbox', 'emit', 'profile.update.bio', '--user', '@sandbox_dev', '--set', 'after=walking the walk'],
      { env },
    );
    expect(emitted.code, emitted.stderr).toBe(0);
    expect(JSON.parse(emitted.stdout).matched_subscriptions).toBe(1);

    const got = await receiver.waitFor(2);
    expect(got.every((g) => g.signatureValid)).toBe(true);
    const types = got.map((g) => JSON.parse(g.body).data.event_type).sort();
    expect(types).toEqual(['post.create', 'profile.update.bio']);
    const bio = got.map((g) => JSON.parse(g.body)).find((b) => b.data.event_type === 'profile.update.bio');
    expect(bio.data.payload.after).toBe('walking the walk');

    const deliveries = await runCli(['sandbox', 'deliveries', '--webhook', webhookId], { env });
    const rows = JSON.parse(deliveries.stdout);
    expect(rows).toHaveLength(2);
    expect(rows[0].attempts[0].status).toBe(200);
    const status = JSON.parse((await runCli(['sandbox', 'status'], { env })).stdout);
    expect(status.webhooks[0]).toMatchObject({ id: webhookId, valid: true });
    expect(status.activity_subscriptions).toHaveLength(2);

    sb.child.kill('SIGINT');
    expect(await sb.exited).toBe(0);
  });

  it('keeps state, credentials and OAuth2 logins across restarts with --state', async () => {
    const dir = temp();
    const stateFile = join(dir, '..', 'sandbox-state.json');
    const env = { XCLI_CONFIG_DIR: dir };
    const first = await startSandboxCli(dir, ['--state', stateFile]);
    expect((await runCli(['--app', 'sandbox', '-X', 'POST', '/2/tweets', '-d', '{"text":"persist me"}'], { env })).code).toBe(0);
    await expect.poll(() => existsSync(stateFile) && statSync(stateFile).mode & 0o777).toBe(0o600);

    // Log in through the auto-approving authorize page (found through the app's API base, no
    // XCLI_AUTH_URL) with a fake browser that follows redirects and reports where it went.
    const browser = join(dir, '..', 'browser.mjs');
    const opened = join(dir, '..', 'opened.txt');
    writeFileSync(
      browser,
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(opened)}, process.argv[2]);\nawait fetch(process.argv[2]);\n`,
    );
    const login = await runCli(['auth', 'oauth2', '--app', 'sandbox'], {
      env: { ...env, BROWSER: `${process.execPath} ${browser}` },
    });
    expect(login.code, login.stderr).toBe(0);
    expect(readFileSync(opened, 'utf8')).toMatch(new RegExp(`^${first.url}/i/oauth2/authorize\\?response_type=code&`));
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    const second = await startSandboxCli(dir, ['--state', stateFile]);
    const found = await runCli(['--app', 'sandbox', '--auth', 'app', '/2/tweets/search/recent?query=persist'], { env });
    expect(found.code, found.stderr).toBe(0);
    expect(JSON.parse(found.stdout).data[0].text).toBe('persist me');
    const me = await runCli(['--app', 'sandbox', '--auth', 'oauth2', '/2/users/me'], { env });
    expect(me.code, me.stderr).toBe(0);
    expect(JSON.parse(me.stdout).data.username).toBe('sandbox_dev');
    expect(second.url).toMatch(/^http:/);
  });

  it("builds the OAuth2 authorize URL from the app's API base unless XCLI_AUTH_URL is set", async () => {
    const env = { XCLI_CONFIG_DIR: temp() };
    expect(
      (await runCli(['auth', 'apps', 'add', 'emu', '--client-id', 'cid', '--api-base-url', 'http://127.0.0.1:9'], { env })).code,
    ).toBe(0);
    const fromBase = await runCli(['auth', 'oauth2', '--app', 'emu', '--headless'], { env });
    expect(fromBase.stderr).toContain('http://127.0.0.1:9/i/oauth2/authorize?response_type=code&client_id=cid&');
    const fromEnv = await runCli(['auth', 'oauth2', '--app', 'emu', '--headless'], {
      env: { ...env, XCLI_AUTH_URL: 'http://127.0.0.1:7/authorize' },
    });
    expect(fromEnv.stderr).toContain('http://127.0.0.1:7/authorize?response_type=code&');
    expect((await runCli(['auth', 'apps', 'add', 'real', '--client-id', 'cid2'], { env })).code).toBe(0);
    const real = await runCli(['auth', 'oauth2', '--app', 'real', '--headless'], { env });
    expect(real.stderr).toContain('https://x.com/i/oauth2/authorize?response_type=code&client_id=cid2&');
  });

  it('refuses an unusable state file without touching it', async () => {
    const dir = temp();
    const stateFile = join(dir, '..', 'broken.json');
    writeFileSync(stateFile, '{"not": "a sandbox"');
    const res = await runCli(['sandbox', '--state', stateFile], { env: { XCLI_CONFIG_DIR: dir } });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('is not valid JSON');
    expect(readFileSync(stateFile, 'utf8')).toBe('{"not": "a sandbox"');
    const unwritable = await runCli(['sandbox', '--state', join(dir, '..', 'missing-dir', 'state.json')], {
      env: { XCLI_CONFIG_DIR: dir },
    });
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/^xcli: cannot write --state .*missing-dir/);
  });

  it('explains when no sandbox app exists (exit 3) or none is running (exit 4)', async () => {
    const dir = temp();
    const env = { XCLI_CONFIG_DIR: dir };
    const none = await runCli(['sandbox', 'status'], { env });
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/^xcli: no sandbox app 'sandbox'.*xcli sandbox/);
    expect(existsSync(join(dir, 'config.json'))).toBe(false);

    const sb = await startSandboxCli(dir);
    sb.child.kill('SIGINT');
    await sb.exited;
    const stopped = await runCli(['sandbox', 'emit', 'post.create'], { env });
    expect(stopped.code).toBe(4);
    expect(stopped.stderr).toContain('no sandbox answering');
  });

  it('never overwrites a real app that happens to be called sandbox', async () => {
    const dir = temp();
    const env = { XCLI_CONFIG_DIR: dir };
    expect((await runCli(['auth', 'apps', 'add', 'sandbox', '--client-id', 'real-client'], { env })).code).toBe(0);
    const before = readFileSync(join(dir, 'config.json'), 'utf8');
    const res = await runCli(['sandbox'], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^xcli: app 'sandbox' exists and is not a sandbox/);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(before);
  });

  it('rejects bad flags with a usage error', async () => {
    const env = { XCLI_CONFIG_DIR: temp() };
    expect((await runCli(['sandbox', '--duplicates', '2'], { env })).code).toBe(2);
    expect((await runCli(['sandbox', '--port', 'abc'], { env })).code).toBe(2);
    const badDuration = await runCli(['sandbox', '--crc-every', 'soon'], { env });
    expect(badDuration.code).toBe(2);
    expect(badDuration.stderr).toContain('--crc-every');
  });
});

describe('xcli sandbox binding (issue 14 item 8)', () => {
  it('names host and port in one line when it cannot bind: exit 2 for a bad value, 1 for a port in use', async () => {
    const dir = temp();
    const bogus = await runCli(['sandbox', '--host', 'bogus.invalid', '--port', '9'], { env: { XCLI_CONFIG_DIR: dir } });
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toBe('xcli: cannot listen on bogus.invalid:9: the host name bogus.invalid does not resolve\n');
    const first = await startSandboxCli(dir);
    const port = new URL(first.url).port;
    const busy = await runCli(['sandbox', '--port', port, '--app', 'second'], { env: { XCLI_CONFIG_DIR: dir } });
    expect(busy.code).toBe(1);
    expect(busy.stderr).toBe(
      `xcli: cannot listen on 127.0.0.1:${port}: the address is already in use; pick another port with --port, or 0 for any free port\n`,
    );
  });

  it('refuses a host beyond loopback unless --public, and then warns', async () => {
    const dir = temp();
    const refused = await runCli(['sandbox', '--host', '0.0.0.0'], { env: { XCLI_CONFIG_DIR: dir } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^xcli: --host 0\.0\.0\.0 is not a loopback address: .*add --public to bind it anyway\n$/);
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
    const open = await startSandboxCli(dir, ['--host', '0.0.0.0', '--public']);
    const warning = `xcli: warning: the sandbox listens on ${open.url} beyond this machine (--public)`;
    // stdout and stderr are separate pipes: wait for the line rather than assume their order.
    await new Promise<void>((resolve) => {
      const check = () => open.stderr().includes(warning) && resolve();
      open.child.stderr!.on('data', check);
      check();
    });
    expect(open.stderr()).toContain(warning);
  });
});

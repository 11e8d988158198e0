// `webhook start` binding (issue 14 item 8): a bind failure is one line naming host and port (exit 2
// for a bad --host, 1 otherwise); a non-loopback host gets one note line; each running server has its
// own record, dead ones are pruned, and with none or several running `trigger` and `replay-local`
// want --to (never a port nobody announced).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { startQuietServer, type QuietServer } from '../reliability/lib/webhook-child.js';
import { SECRET } from './helpers.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const { defer, configDir } = cleanupAfterEach();

async function quiet(dir: string, args: string[] = []): Promise<QuietServer> {
  const s = await startQuietServer(dir, args);
  defer(() => (s.child.exitCode === null && s.child.signalCode === null ? s.kill() : undefined));
  return s;
}

const env = (dir: string): Record<string, string> => ({ XCLI_CONFIG_DIR: dir, X_CONSUMER_SECRET: SECRET });

describe('webhook start: binding', () => {
  it('an unresolvable --host is one line naming host and port, exit 2', async () => {
    const r = await runCli(['webhook', 'start', '--no-tunnel', '--host', 'bogus.invalid', '--port', '8099'], {
      env: env(configDir()),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('xcli: cannot listen on bogus.invalid:8099: --host bogus.invalid does not resolve to an address\n');
  });

  it('an address of another machine is exit 2, a port in use exit 1, each one line naming host and port', async () => {
    const notMine = await runCli(['webhook', 'start', '--no-tunnel', '--host', '192.0.2.1', '--port', '8099'], {
      env: env(configDir()),
    });
    expect(notMine.code).toBe(2);
    expect(notMine.stderr).toBe('xcli: cannot listen on 192.0.2.1:8099: 192.0.2.1 is not an address of this machine\n');

    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    defer(() => new Promise((resolve) => taken.close(resolve)));
    const port = (taken.address() as { port: number }).port;
    const inUse = await runCli(['webhook', 'start', '--no-tunnel', '--port', String(port)], { env: env(configDir()) });
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toBe(
      `xcli: cannot listen on 127.0.0.1:${port}: the port is in use; pick another --port, or --port 0 for a free one\n`,
    );
  });

  it('a non-loopback host gets one note line; loopback none', async () => {
    const open = await quiet(configDir(), ['--host', '0.0.0.0']);
    expect(open.stderr().match(/^note: listening on 0\.0\.0\.0:\d+, reachable beyond this machine/gm)).toHaveLength(1);
    const local = await quiet(configDir());
    expect(local.stderr()).not.toMatch(/note:/);
  });
});

describe('webhook start: which server trigger finds', () => {
  it('keeps one record per running server, prunes dead ones, and asks for --to unless exactly one runs', async () => {
    const dir = configDir();
    const records = (): string[] =>
      existsSync(join(dir, 'events', 'servers')) ? readdirSync(join(dir, 'events', 'servers')).sort() : [];
    const none = await runCli(['webhook', 'trigger', 'post.create'], { env: env(dir) });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('xcli: no xcli webhook start is running (with this config dir): start one, or pass --to URL\n');

    const a = await quiet(dir);
    const b = await quiet(dir);
    expect(records()).toEqual([`${a.child.pid}.json`, `${b.child.pid}.json`].sort());
    // An event in the log for replay-local to send; --to always works.
    expect((await runCli(['webhook', 'trigger', 'post.create', '--to', a.url], { env: env(dir) })).code).toBe(0);
    for (const argv of [
      ['webhook', 'trigger', 'post.create'],
      ['webhook', 'replay-local', '--since', '1h'],
    ]) {
      const two = await runCli(argv, { env: env(dir) });
      expect(two.code, argv.join(' ')).toBe(2);
      expect(two.stderr).toMatch(/^xcli: 2 xcli webhook start servers are running: .*; pick one with --to URL\n$/);
      expect(two.stderr).toContain(a.url);
      expect(two.stderr).toContain(b.url);
    }

    // Stopping one leaves the other's record: trigger finds it.
    expect(await a.stop()).toBe(0);
    expect(records()).toEqual([`${b.child.pid}.json`]);
    const one = await runCli(['webhook', 'trigger', 'post.create'], { env: env(dir) });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain(`→ ${b.url}: 200`);

    // kill -9 leaves a record behind: it is pruned, never sent to.
    await b.kill();
    expect(records()).toEqual([`${b.child.pid}.json`]);
    const dead = await runCli(['webhook', 'trigger', 'post.create'], { env: env(dir) });
    expect(dead.code).toBe(2);
    expect(dead.stderr).toMatch(/no xcli webhook start is running/);
    expect(records()).toEqual([]);
  });

  it.skipIf(process.platform !== 'linux')(
    'a record whose pid now belongs to another process is pruned, never sent to',
    async () => {
      const dir = configDir();
      const received: string[] = [];
      const stranger: HttpServer = createHttpServer((req, res) => {
        received.push(`${req.method} ${req.url}`);
        res.end();
      });
      await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
      defer(() => new Promise((resolve) => stranger.close(resolve)));
      // What a server killed with -9 leaves, once the kernel has given its pid to this test's process.
      const servers = join(dir, 'events', 'servers');
      mkdirSync(servers, { recursive: true });
      const url = `http://127.0.0.1:${(stranger.address() as { port: number }).port}/webhook`;
      writeFileSync(join(servers, `${process.pid}.json`), JSON.stringify({ pid: process.pid, url, started: '1' }));
      const r = await runCli(['webhook', 'trigger', 'post.create'], { env: env(dir) });
      expect(r.code, r.stdout).toBe(2);
      expect(r.stderr).toMatch(/no xcli webhook start is running/);
      expect(received).toEqual([]);
      expect(readdirSync(servers)).toEqual([]);
    },
  );
});

describe('webhook start and events prune never overlap on one log', () => {
  const exitedPid = async (): Promise<number> => {
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => child.once('exit', resolve));
    return child.pid!;
  };

  it('a server does not start while a prune holds the lock, and leaves no record', async () => {
    const dir = configDir();
    mkdirSync(join(dir, 'events'), { recursive: true });
    // This test's own process stands for a prune in progress.
    writeFileSync(join(dir, 'events', 'prune.lock'), JSON.stringify({ pid: process.pid }));
    const r = await runCli(['webhook', 'start', '--no-tunnel', '--port', '0'], { env: env(dir), timeoutMs: 10_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`xcli: 'webhook events prune' is rewriting this log (pid ${process.pid}); start again when it ends\n`);
    expect(readdirSync(join(dir, 'events', 'servers'))).toEqual([]);
  });

  it('a prune refuses a server that is still starting (no URL yet), and releases its lock', async () => {
    const dir = configDir();
    const servers = join(dir, 'events', 'servers');
    mkdirSync(servers, { recursive: true });
    // What a server writes before it opens the log; this test's process stands for it.
    writeFileSync(join(servers, `${process.pid}.json`), JSON.stringify({ pid: process.pid }));
    const r = await runCli(['webhook', 'events', 'prune', '--before', '1d'], { env: env(dir) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`xcli: 'webhook start' is running (pid ${process.pid}) on this log; stop it before pruning\n`);
    expect(existsSync(join(dir, 'events', 'prune.lock'))).toBe(false);
  });

  it('a lock or a starting record left by a killed process is taken over', async () => {
    const dir = configDir();
    const servers = join(dir, 'events', 'servers');
    mkdirSync(servers, { recursive: true });
    const dead = await exitedPid();
    writeFileSync(join(dir, 'events', 'prune.lock'), JSON.stringify({ pid: dead }));
    writeFileSync(join(servers, `${dead}.json`), JSON.stringify({ pid: dead }));
    const pruned = await runCli(['webhook', 'events', 'prune', '--before', '1d'], { env: env(dir) });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(existsSync(join(dir, 'events', 'prune.lock'))).toBe(false);
    const s = await quiet(dir);
    expect(readdirSync(servers)).toEqual([`${s.child.pid}.json`]);
  });
});

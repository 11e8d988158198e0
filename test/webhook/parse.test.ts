// Parse tests for `xcli webhook …` (issue 15 item 1): flags → the options each run function receives,
// through registerWebhook's run seam (a recording run; no work is done), as gh's NewCmdX(f, runF).
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { declareApiOptions, resolveApiOptions } from '../../src/commands/common.js';
import { registerWebhook, type WebhookRunners } from '../../src/commands/webhook.js';
import { createContext } from '../../src/context.js';
import { reportError } from '../../src/cli.js';
import { testIO } from '../../src/io.js';
import { WEBHOOK_START_DEFAULTS } from '../../src/webhook/start-options.js';

interface Parsed {
  command?: string;
  options?: unknown;
  api?: object;
  code: number;
  stderr: string;
}

/** Runs argv (after `xcli`) through a root like createProgram's, recording what the run seam gets. */
async function parse(argv: string[]): Promise<Parsed> {
  const io = testIO();
  const ctx = createContext(io, {}, '0.0.0');
  const program = new Command('xcli')
    .exitOverride()
    .enablePositionalOptions()
    .configureOutput({ writeErr: (s) => void io.stderr.write(s), writeOut: (s) => void io.stdout.write(s) });
  declareApiOptions(program);
  program.hook('preAction', (_root, action) => {
    ctx.api = resolveApiOptions(action);
  });
  const seen: Parsed = { code: 0, stderr: '' };
  const recording = new Proxy({} as WebhookRunners, {
    get: (_target, command: string) => async (options: unknown) => Object.assign(seen, { command, options, api: { ...ctx.api } }),
  });
  registerWebhook(program, ctx, recording);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    seen.code = reportError(error, io, {});
  }
  seen.stderr = io.err();
  return seen;
}

describe('webhook start: flags → WebhookStartOptions', () => {
  it('with no flags, the options are the defaults (switches off, tunnel on)', async () => {
    const r = await parse(['webhook', 'start']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.command).toBe('start');
    expect(r.options).toEqual({ ...WEBHOOK_START_DEFAULTS });
  });

  it('binds every flag straight into its field, sizes and durations parsed', async () => {
    const r = await parse([
      'webhook',
      'start',
      '--port',
      '0',
      '--path',
      '/x',
      '--host',
      '::1',
      '--require-signature',
      '--max-body',
      '64k',
      '--max-connections',
      '10',
      '--max-body-memory',
      '2m',
      '--max-forward-memory',
      '1m',
      '--max-log-size',
      '1GiB',
      '--log-unverified',
      'full',
      '-o',
      'copy.jsonl',
      '-P',
      '-q',
      '--json',
      '--events',
      'post.*',
      '--forward-to',
      'http://127.0.0.1:3000/x',
      '--forward-timeout',
      '30',
      '--crc',
      'passthrough',
      '--no-tunnel',
      '--public-url',
      'https://example.com',
      '--register',
      '--replace',
      '--ephemeral',
      '--subscribe',
      'post.create:@me',
      '--subscribe',
      'like.create:@me',
      '--previous-secret',
      'old',
      '--dedupe',
      'redis://127.0.0.1:6379',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.options).toEqual({
      port: 0,
      path: '/x',
      host: '::1',
      requireSignature: true,
      maxBody: 64 * 1024,
      maxConnections: 10,
      maxBodyMemory: 2 * 1024 * 1024,
      maxForwardMemory: 1024 * 1024,
      maxLogSize: 1024 ** 3,
      logUnverified: 'full',
      output: 'copy.jsonl',
      pretty: true,
      quiet: true,
      json: true,
      events: 'post.*',
      forwardTo: 'http://127.0.0.1:3000/x',
      forwardTimeout: 30,
      crc: 'passthrough',
      tunnel: false,
      publicUrl: 'https://example.com',
      register: true,
      replace: true,
      ephemeral: true,
      subscribe: ['post.create:@me', 'like.create:@me'],
      previousSecret: ['old'],
      dedupe: 'redis://127.0.0.1:6379',
    });
  });

  it("takes xurl's -p for --port", async () => {
    const r = await parse(['webhook', 'start', '-p', '8081', '-P', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.options).toMatchObject({ port: 8081, pretty: true, quiet: true });
    const bad = await parse(['webhook', 'start', '-p', 'http']);
    expect(bad.code).toBe(2);
    expect(bad.command).toBeUndefined();
  });

  it('takes --app before or after the command, into ctx.api', async () => {
    expect((await parse(['--app', 'prod', 'webhook', 'start'])).api).toMatchObject({ app: 'prod' });
    expect((await parse(['webhook', 'start', '--app', 'prod'])).api).toMatchObject({ app: 'prod' });
  });

  it('refuses bad values before running (exit 2, one line)', async () => {
    for (const argv of [
      ['webhook', 'start', '--port', '70000'],
      ['webhook', 'start', '--max-body-memory', 'lots'],
      ['webhook', 'start', '--max-log-size', '10k'],
      ['webhook', 'start', '--crc', 'passthrough'],
      ['webhook', 'start', '--path', 'webhook'],
      ['webhook', 'start', '--ephemeral'],
      ['webhook', 'start', '--sandbox', '--host', '0.0.0.0'],
    ]) {
      const r = await parse(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.command, argv.join(' ')).toBeUndefined();
      expect(r.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
  });
});

describe('the other webhook commands: flags → options', () => {
  it.each([
    [['webhook', 'list', '--json'], 'list', { json: true }],
    [['webhook', 'create', 'https://example.com/x'], 'create', { url: 'https://example.com/x', json: false }],
    [['webhook', 'delete', '123'], 'delete', { id: '123', json: false }],
    [['webhook', 'validate', '123', '--json'], 'validate', { id: '123', json: true }],
    [['webhook', 'replay', '123', '--from', '3h', '--to', '30m'], 'replay', { id: '123', from: '3h', to: '30m', json: false }],
    [['webhook', 'crc', 'helloWorld'], 'crc', { token: 'helloWorld' }],
    [['webhook', 'sign', 'body.json'], 'sign', { file: 'body.json' }],
    [['webhook', 'verify', '--signature', 'sha256=x'], 'verify', { file: undefined, signature: 'sha256=x' }],
    [
      ['webhook', 'check', 'http://127.0.0.1:1/x', '--event'],
      'check',
      { url: 'http://127.0.0.1:1/x', event: 'post.create', json: false },
    ],
    [
      ['webhook', 'check', 'http://127.0.0.1:1/x', '--event', 'like.create', '--json'],
      'check',
      { url: 'http://127.0.0.1:1/x', event: 'like.create', json: true },
    ],
    [
      ['webhook', 'trigger', 'post.create', '--to', 'http://127.0.0.1:1/x', '--override', 'a=1', '--override', 'b=2', '--print'],
      'trigger',
      { type: 'post.create', to: 'http://127.0.0.1:1/x', overrides: ['a=1', 'b=2'], print: true, json: false },
    ],
    [['webhook', 'trigger'], 'trigger', { type: undefined, to: undefined, overrides: [], print: false, json: false }],
    [
      ['webhook', 'events', '--type', 'post.*', '--since', '10m', '-f'],
      'events',
      { type: 'post.*', since: '10m', json: false, follow: true },
    ],
    [['webhook', 'events', 'show', 'abc', '--json'], 'eventsShow', { id: 'abc', json: true }],
    [['webhook', 'events', 'prune', '--before', '30d'], 'eventsPrune', { before: '30d' }],
    [
      ['webhook', 'replay-local', '--since', '1h', '--to', 'http://127.0.0.1:1/x'],
      'replayLocal',
      { id: undefined, since: '1h', to: 'http://127.0.0.1:1/x', json: false },
    ],
  ] as const)('%j → %s', async (argv, command, options) => {
    const r = await parse([...argv]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.command).toBe(command);
    expect(r.options).toEqual(options);
  });
});

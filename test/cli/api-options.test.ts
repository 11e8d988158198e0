// Issue 14 item 5: `--app --auth -u -v -t` mean the same before and after the command name, for
// every command that takes them; the same option twice with different values is a usage error.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli.js';
import { createContext } from '../../src/context.js';
import { testIO } from '../../src/io.js';
import { createProgram } from '../../src/program.js';
import { crcResponseToken } from '../../src/webhook/crc.js';
import { signBody } from '../../src/webhook/signature.js';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';
import { runCli, spawnCli, tempConfigDir } from '../helpers/run-cli.js';
import { oauth1Of } from '../../src/sandbox/command/cli.js';

const API_OPTIONS: Record<string, { args: string[]; value: unknown }> = {
  app: { args: ['--app', 'prod'], value: 'prod' },
  auth: { args: ['--auth', 'oauth1'], value: 'oauth1' },
  username: { args: ['-u', 'alice'], value: 'alice' },
  verbose: { args: ['-v'], value: true },
  trace: { args: ['-t'], value: true },
};

interface Leaf {
  path: string[];
  /** Required arguments and required options, with placeholder values. */
  required: string[];
  takes: string[];
}

function leaves(cmd: Command, path: string[] = []): Leaf[] {
  const found: Leaf[] = [];
  for (const sub of cmd.commands) {
    const subPath = [...path, sub.name()];
    const takes = sub.options.map((o) => o.attributeName()).filter((name) => name in API_OPTIONS);
    if (takes.length > 0 && (sub as unknown as { _actionHandler: unknown })._actionHandler) {
      const required = [
        ...sub.registeredArguments.filter((a) => a.required).map(() => 'abcdefgh1234'),
        ...sub.options.filter((o) => o.mandatory).flatMap((o) => [o.long!, 'x']),
      ];
      found.push({ path: subPath, required, takes });
    }
    found.push(...leaves(sub, subPath));
  }
  return found;
}

/** Parses argv with every action replaced by one that records ctx.api: the flags, not the work. */
async function apiSeenBy(argv: string[]): Promise<{ api?: object; code: number; stderr: string }> {
  const io = testIO();
  const ctx = createContext(io, {}, '0.0.0');
  const program = createProgram(ctx, argv);
  let api: object | undefined;
  const record = (cmd: Command): void => {
    cmd.action(() => void (api = { ...ctx.api }));
    cmd.commands.forEach(record);
  };
  record(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { api, code: 0, stderr: io.err() };
  } catch (error) {
    return { code: reportError(error, io, {}), stderr: io.err() };
  }
}

describe('API options before or after the command (#14.5)', () => {
  const program = createProgram(createContext(testIO(), {}, '0.0.0'));
  const commands = leaves(program);

  it("declares them once: every command takes the root's own Option objects, none a copy", () => {
    expect(commands.length).toBeGreaterThan(50);
    for (const { path } of commands) {
      let cmd: Command = program;
      for (const name of path) cmd = cmd.commands.find((c) => c.name() === name)!;
      for (const option of cmd.options.filter((o) => o.attributeName() in API_OPTIONS)) {
        expect(program.options, `${path.join(' ')} ${option.long}`).toContain(option);
      }
    }
    // The commands that used to declare their own --app, and so ignored `xcli --app prod webhook crc`.
    const names = commands.map((c) => c.path.join(' '));
    for (const name of [
      'webhook start',
      'webhook crc',
      'webhook sign',
      'webhook verify',
      'webhook check',
      'webhook trigger',
      'webhook replay-local',
      'sandbox emit',
      'limits',
      'token',
      'auth app',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('resolves each to the same values from either position, for every command', async () => {
    for (const { path, required, takes } of commands) {
      const given = takes.flatMap((name) => API_OPTIONS[name]!.args);
      const expected = Object.fromEntries(takes.map((name) => [name, API_OPTIONS[name]!.value]));
      const before = await apiSeenBy([...given, ...path, ...required]);
      const after = await apiSeenBy([...path, ...required, ...given]);
      expect(before.stderr, path.join(' ')).toBe('');
      expect(after.stderr, path.join(' ')).toBe('');
      expect(before.api, `xcli ${given.join(' ')} ${path.join(' ')}`).toMatchObject(expected);
      expect(after.api, `xcli ${path.join(' ')} ${given.join(' ')}`).toEqual(before.api);
    }
  });

  it('refuses --app with two values, on both sides or twice on one side, for every command (exit 2)', async () => {
    for (const { path, required } of commands) {
      const split = await apiSeenBy(['--app', 'dev', ...path, ...required, '--app', 'prod']);
      expect(split.code, path.join(' ')).toBe(2);
      expect(split.stderr).toBe("xcli: --app given twice with different values ('dev' and 'prod'): give it once\n");
      const twice = await apiSeenBy([...path, ...required, '--app', 'dev', '--app', 'prod']);
      expect(twice.code, `${path.join(' ')} --app twice`).toBe(2);
      expect(twice.stderr).toMatch(/^xcli: .*--app given twice with different values \('dev' and 'prod'\).*\n$/);
    }
  });

  it('refuses --auth and -u with two values too; the same value twice is no conflict', async () => {
    for (const [flag, value, other] of [
      ['--auth', 'oauth1', 'app'],
      ['-u', 'alice', 'bob'],
    ] as const) {
      expect((await apiSeenBy([flag, value, 'whoami', flag, other])).code).toBe(2);
      expect((await apiSeenBy(['whoami', flag, value, flag, other])).code).toBe(2);
      expect((await apiSeenBy([flag, value, 'whoami', flag, value])).code).toBe(0);
    }
    // Spellings of one kind are one value.
    expect((await apiSeenBy(['--auth', 'bearer', 'whoami', '--auth', 'app'])).code).toBe(0);
  });
});

describe('what the commands actually use, as real processes (#14.5)', () => {
  let dev: FakeX;
  let prod: FakeX;
  let config: ReturnType<typeof tempConfigDir>;
  const SECRETS = { dev: 'dev-consumer-secret', prod: 'prod-consumer-secret' };
  const TOKEN = 'crcTokenFromX1234';

  beforeAll(async () => {
    dev = await startFakeX({ credentials: { consumerSecret: SECRETS.dev } });
    prod = await startFakeX({ credentials: { consumerSecret: SECRETS.prod } });
  });
  afterAll(async () => {
    await dev.close();
    await prod.close();
  });
  beforeEach(() => {
    // Default app `dev` and a second app `prod`, each with its own X (a sandbox) and keys.
    config = tempConfigDir();
    const app = (fake: FakeX) => {
      const c = fake.sandbox.credentials;
      return {
        apiBaseUrl: fake.url,
        bearerToken: c.bearerToken,
        oauth1: oauth1Of(c),
      };
    };
    mkdirSync(config.dir, { recursive: true, mode: 0o700 });
    chmodSync(config.dir, 0o700);
    const file = join(config.dir, 'config.json');
    writeFileSync(file, JSON.stringify({ version: 1, defaultApp: 'dev', apps: { dev: app(dev), prod: app(prod) } }), {
      mode: 0o600,
    });
  });
  afterEach(() => config.cleanup());
  const env = () => ({ XCLI_CONFIG_DIR: config.dir });

  it("webhook crc signs with the chosen app's consumer secret from either position", async () => {
    for (const args of [
      ['--app', 'prod', 'webhook', 'crc', TOKEN],
      ['webhook', 'crc', TOKEN, '--app', 'prod'],
    ]) {
      const r = await runCli(args, { env: env() });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${crcResponseToken(SECRETS.prod, TOKEN)}\n`);
    }
    expect((await runCli(['webhook', 'crc', TOKEN], { env: env() })).stdout).toBe(`${crcResponseToken(SECRETS.dev, TOKEN)}\n`);
    const both = await runCli(['--app', 'dev', 'webhook', 'crc', TOKEN, '--app', 'prod'], { env: env() });
    expect(both.code).toBe(2);
    expect(both.stdout).toBe('');
  });

  it('webhook sign signs with the chosen app from either position', async () => {
    for (const args of [
      ['--app', 'prod', 'webhook', 'sign'],
      ['webhook', 'sign', '--app', 'prod'],
    ]) {
      const r = await runCli(args, { env: env(), input: '{"a":1}' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(signBody(SECRETS.prod, '{"a":1}'));
    }
  });

  it("webhook start answers X's CRC with the chosen app's secret from either position", async () => {
    for (const [before, after] of [
      [['--app', 'prod'], []],
      [[], ['--app', 'prod']],
      [[], []],
    ] as const) {
      const child = spawnCli([...before, 'webhook', 'start', '--no-tunnel', '--port', '0', '--json', ...after], { env: env() });
      try {
        const ready = await new Promise<{ localUrl: string }>((resolve, reject) => {
          let out = '';
          let err = '';
          child.stderr!.on('data', (c: Buffer) => void (err += c.toString()));
          child.stdout!.on('data', (c: Buffer) => {
            out += c.toString();
            const line = out.split('\n').find((l) => l.includes('"ready"'));
            if (line) resolve(JSON.parse(line) as { localUrl: string });
          });
          child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
        });
        const response = await fetch(`${ready.localUrl}?crc_token=${TOKEN}`);
        const body = (await response.json()) as { response_token: string };
        const secret = before.length + after.length > 0 ? SECRETS.prod : SECRETS.dev;
        expect(body.response_token, `${before.join(' ')} webhook start ${after.join(' ')}`).toBe(crcResponseToken(secret, TOKEN));
      } finally {
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill('SIGINT');
        await exited;
      }
    }
  });

  it("a request goes to the chosen app's X with its credential, auth kind and trace header, from either position", async () => {
    for (const args of [
      ['--app', 'prod', '--auth', 'oauth1', '-t', '-v', 'whoami', '--json'],
      ['whoami', '--json', '--app', 'prod', '--auth', 'oauth1', '-t', '-v'],
    ]) {
      const devSeen = dev.sandbox.requests.length;
      const prodSeen = prod.sandbox.requests.length;
      const r = await runCli(args, { env: env() });
      expect(r.code, r.stderr).toBe(0);
      expect(dev.sandbox.requests.length, args.join(' ')).toBe(devSeen);
      const sent = prod.sandbox.requests.slice(prodSeen);
      expect(sent.map((q) => q.path)).toEqual(['/2/users/me']);
      expect(sent[0]!.authKind).toBe('oauth1');
      expect(sent[0]!.headers['x-b3-flags']).toBe('1');
      expect(r.stderr).toMatch(/GET .*\/2\/users\/me/); // -v traced the request
    }
  });
});

// `xcli sandbox …`: commander wiring only; the emulator loads inside each action.
import { InvalidArgumentError, type Command } from 'commander';
import type { Context } from '../context.js';
import { collect, lazyRuns, takesApiOptions } from './common.js';
import { wholeNumber } from '../numbers.js';

function rate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError('must be a probability between 0 and 1, e.g. 0.2');
  return n;
}

interface ServeFlags {
  port: number;
  host: string;
  state?: string;
  fastRetries?: boolean;
  duplicates?: number;
  shuffle?: boolean;
  crcEvery?: string;
  public?: boolean;
}

/** The run functions of `xcli sandbox …` (src/sandbox/command/cli.ts). */
export type SandboxRuns = Pick<
  typeof import('../sandbox/command/cli.js'),
  'runSandbox' | 'runSandboxEmit' | 'runSandboxStatus' | 'runSandboxDeliveries'
>;

export const sandboxRuns: SandboxRuns = lazyRuns(() => import('../sandbox/command/cli.js'));

export function registerSandbox(program: Command, ctx: Context, run: SandboxRuns = sandboxRuns): void {
  const sandbox = takesApiOptions(program.command('sandbox'), ['app'])
    .description('a local X API for webhooks and API calls offline: no account, no tunnel')
    .option('-p, --port <port>', 'port to listen on (0 = any free port)', wholeNumber('--port', 0, 65535), 0)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--public', 'allow a --host that is not loopback (anyone who reaches it can log in)')
    .option('--state <file>', 'keep users, posts, webhooks, subscriptions and deliveries in this file across restarts')
    .option('--fast-retries', "scale X's delivery retry schedule (3 s, 30 s, 5 min) down 100 times")
    .option('--duplicates <rate>', 're-deliver this share of events (0-1), as X sometimes does', rate)
    .option('--shuffle', 'deliver events out of order')
    .option('--crc-every <duration>', 're-run the CRC on every webhook this often (e.g. 30s, 5m)')
    .addHelpText(
      'after',
      `
Prints its URL on stdout and stays up until Ctrl-C. Its credentials are saved as the app
'sandbox' (or --app NAME), with the sandbox as that app's API base, so every command works against it.

Examples:
  $ xcli sandbox --port 9000 --state ~/.xcli-sandbox.json
  $ xcli --app sandbox /2/users/me
  $ xcli sandbox emit profile.update.bio --user @sandbox_dev --set after="new bio"
  $ xcli sandbox deliveries --webhook 1849…`,
    )
    .action(async (flags: ServeFlags) => {
      const { parseDuration } = await import('../duration.js');
      await run.runSandbox(ctx, {
        port: flags.port,
        host: flags.host,
        stateFile: flags.state,
        appName: ctx.api.app,
        fastRetries: flags.fastRetries,
        duplicates: flags.duplicates,
        shuffle: flags.shuffle,
        crcEveryMs: flags.crcEvery === undefined ? undefined : parseDuration(flags.crcEvery, '--crc-every'),
        public: flags.public,
      });
    });

  takesApiOptions(sandbox.command('emit <type>'), ['app'])
    .description('make an X Activity event happen in the running sandbox (e.g. profile.update.bio)')
    .option('--user <user>', 'the user it happens to (@handle or id; default the sandbox user)')
    .option('--set <path=value>', 'set a payload field (dot path; JSON values are parsed), repeatable', collect)
    .action(async (type: string, flags: { user?: string; set?: string[] }) => {
      await run.runSandboxEmit(ctx, { type, ...flags, app: ctx.api.app });
    });

  takesApiOptions(sandbox.command('status'), ['app'])
    .description('webhooks, subscriptions and delivery counts of the running sandbox')
    .option('--json', 'print JSON even on a terminal')
    .action(async (flags: { json?: boolean }) => {
      await run.runSandboxStatus(ctx, { ...flags, app: ctx.api.app });
    });

  takesApiOptions(sandbox.command('deliveries'), ['app'])
    .description('every delivery with its attempts, status codes and latency')
    .option('--webhook <id>', 'only deliveries to this webhook')
    .option('--json', 'print JSON even on a terminal')
    .action(async (flags: { webhook?: string; json?: boolean }) => {
      await run.runSandboxDeliveries(ctx, { ...flags, app: ctx.api.app });
    });
}

// Options shared by every command that calls the X API, defined once so their spelling never drifts.
import { InvalidArgumentError, type Command, type Option } from 'commander';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import type { AuthFlag, GlobalOptions } from '../http/types.js';

const AUTH_ALIASES: Record<string, AuthFlag> = {
  app: 'app',
  'app-only': 'app',
  bearer: 'app',
  oauth1: 'oauth1',
  oauth2: 'oauth2',
};

export function parseAuthFlag(value: string): AuthFlag {
  const kind = AUTH_ALIASES[value.toLowerCase()];
  if (!kind) throw new InvalidArgumentError('use app, oauth1 or oauth2');
  return kind;
}

/** The global API options, by their commander attribute names. */
export type ApiOptionName = keyof GlobalOptions;
const API_OPTION_NAMES: readonly ApiOptionName[] = ['app', 'auth', 'username', 'verbose', 'trace'];

/** An argument parser that refuses the option a second time with another value (`--app a --app b`). */
function onceOnly<T>(flag: string, parse: (value: string) => T): (value: string, previous: T | undefined) => T {
  return (value, previous) => {
    const parsed = parse(value);
    if (previous !== undefined && previous !== parsed)
      throw new InvalidArgumentError(`${flag} given twice with different values ('${String(previous)}' and '${String(parsed)}')`);
    return parsed;
  };
}

/**
 * Declares `--app`, `--auth`, `-u`, `-v`, `-t` (xurl's spelling) on the root, the one place they are
 * defined. Commands that use them take the same Option objects with `takesApiOptions`, because the
 * root's positional options (program.ts) stop at the command name: `xcli webhook start --app prod`
 * reaches only `start`.
 */
export function declareApiOptions(root: Command): Command {
  return root
    .option('--app <name>', 'use this stored app instead of the default', onceOnly('--app', String))
    .option('--auth <kind>', 'auth to use: app (bearer), oauth1 or oauth2', onceOnly('--auth', parseAuthFlag))
    .option('-u, --username <name>', 'OAuth2 user whose token to use', onceOnly('--username', String))
    .option('-v, --verbose', 'print request and response headers to stderr (secrets redacted)')
    .option('-t, --trace', 'add the X-B3-Flags: 1 trace header');
}

/** Lets `cmd` take the root's API options (all, or the ones named) after its name as well. */
export function takesApiOptions(cmd: Command, names: readonly ApiOptionName[] = API_OPTION_NAMES): Command {
  let root = cmd;
  while (root.parent) root = root.parent;
  for (const option of root.options)
    if ((names as readonly string[]).includes(option.attributeName())) cmd.addOption(option as Option);
  return cmd;
}

/**
 * The API options of the command about to run, from wherever they were written (`xcli --app a
 * post` and `xcli post --app a` alike). The same option given before and after the command name
 * with different values is a usage error, as it is twice in one place.
 */
export function resolveApiOptions(action: Command): GlobalOptions {
  const resolved: Record<string, unknown> = {};
  for (let cmd: Command | null = action; cmd; cmd = cmd.parent) {
    for (const name of API_OPTION_NAMES) {
      if (cmd.getOptionValueSource(name) !== 'cli') continue;
      const value: unknown = cmd.getOptionValue(name);
      if (name in resolved && resolved[name] !== value) {
        const flag = cmd.options.find((o) => o.attributeName() === name)?.long ?? `--${name}`;
        throw new UsageError(
          `${flag} given twice with different values ('${String(value)}' and '${String(resolved[name])}'): give it once`,
        );
      }
      resolved[name] = value;
    }
  }
  return {
    app: resolved.app as string | undefined,
    auth: resolved.auth as AuthFlag | undefined,
    username: resolved.username as string | undefined,
    verbose: resolved.verbose === true,
    trace: resolved.trace === true,
  };
}

/** Commander argParser for repeatable options: `-H a -H b` → ['a', 'b']. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * The `run` seam of a register function (gh's runF): an area module's run functions, each
 * `runX(ctx, opts)`, loaded on first call so the CLI starts without the module. Parse tests pass
 * a recorder instead.
 */
export function lazyRuns<T extends object>(load: () => Promise<T>): T {
  return new Proxy({} as T, {
    get: (_target, name) => async (ctx: Context, opts: unknown) => {
      const run = (await load())[name as keyof T] as (ctx: Context, opts: unknown) => unknown;
      return run(ctx, opts);
    },
  });
}

// Options shared by every command that calls the X API, defined once so their spelling never drifts.
import { InvalidArgumentError, type Command } from 'commander';
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

/** Adds `--app`, `--auth`, `-u`, `-v`, `-t` (xurl's spelling) to a command. */
export function addApiOptions(cmd: Command): Command {
  return cmd
    .option('--app <name>', 'use this stored app instead of the default')
    .option('--auth <kind>', 'auth to use: app (bearer), oauth1 or oauth2', parseAuthFlag)
    .option('-u, --username <name>', 'OAuth2 user whose token to use')
    .option('-v, --verbose', 'print request and response headers to stderr (secrets redacted)')
    .option('-t, --trace', 'add the X-B3-Flags: 1 trace header');
}

/** The API options of a command, merged with those given before the subcommand (`xcli --app a post`). */
export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as Record<string, unknown>;
  return {
    app: o.app as string | undefined,
    auth: o.auth as AuthFlag | undefined,
    username: o.username as string | undefined,
    verbose: o.verbose === true,
    trace: o.trace === true,
  };
}

/** Commander argParser for repeatable options: `-H a -H b` → ['a', 'b']. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

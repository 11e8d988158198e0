// createProgram(ctx): a fresh commander program per call, with streams and exit handling set on the
// root before any subcommand is added (commander copies these settings to `.command()` children).
import { Command } from 'commander';
import type { Context } from './context.js';
import { registerAccountActivity } from './commands/account-activity.js';
import { registerActivity } from './commands/activity.js';
import { registerAuth } from './commands/auth.js';
import { registerCompletion } from './commands/completion.js';
import { registerComplete } from './commands/complete.js';
import { groupsPrintHelp, registerHelp } from './commands/help.js';
import { registerMcp } from './commands/mcp.js';
import { addJqToJsonCommands, installOutputHooks } from './jq/hooks.js';
import { registerMedia } from './commands/media.js';
import { registerRequest } from './commands/request.js';
import { registerRoutes } from './commands/routes.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerPostingShortcuts, registerReadingShortcuts, registerUserShortcuts } from './commands/shortcuts.js';
import { registerStream } from './commands/stream.js';
import { registerVersion } from './commands/version.js';
import { registerWebhook } from './commands/webhook.js';
import { declareApiOptions, resolveApiOptions } from './commands/common.js';

/**
 * `xcli /2/…` (a path or URL first, no help asked) is a request: only the root command is built,
 * sparing commander the ~100 subcommands and options a request never reads (a few ms of every call
 * in a shell loop). Anything else builds the whole tree.
 */
export function isPlainRequest(argv: readonly string[]): boolean {
  const first = argv[0];
  return first !== undefined && /^(\/|https?:\/\/)/i.test(first) && !argv.some((arg) => arg === '-h' || arg === '--help');
}

/**
 * The root alone: streams, exit handling and positional options, then the API options and the hook
 * that resolves them. Register functions add commands to it (parse tests too, with a recording run).
 */
export function createRoot(ctx: Context): Command {
  const program = new Command('xcli');
  program
    .description('The X API from your terminal: authenticated requests, and a local workbench for X webhooks.')
    .configureOutput({
      writeOut: (s) => void ctx.io.stdout.write(s),
      writeErr: (s) => void ctx.io.stderr.write(s),
      outputError: (s, write) => write(`xcli: ${oneLine(s)} (see 'xcli --help')\n`),
    })
    .exitOverride()
    .showSuggestionAfterError(true)
    .enablePositionalOptions()
    .version(ctx.version, '--version', 'print the version')
    .helpCommand(false)
    .addHelpText('after', ROOT_HELP_FOOTER);
  // Resolved once, for whichever command runs (clasp's program.ts does the same with its globals).
  program.hook('preAction', (_root, action) => {
    ctx.api = resolveApiOptions(action);
  });
  installOutputHooks(program, ctx);
  return program;
}

export function createProgram(ctx: Context, argv: readonly string[] = []): Command {
  const program = createRoot(ctx);
  program.commandsGroup('Requests:');
  registerRequest(program, ctx);
  program.optionsGroup('API options (also after a command: xcli webhook list -v):');
  declareApiOptions(program);
  if (isPlainRequest(argv)) return program;
  registerRoutes(program, ctx);
  program.commandsGroup('Posting & engagement:');
  registerPostingShortcuts(program, ctx);
  registerMedia(program, ctx);
  program.commandsGroup('Users:');
  registerUserShortcuts(program, ctx);
  program.commandsGroup('Reading:');
  registerReadingShortcuts(program, ctx);
  program.commandsGroup('Webhooks:');
  registerWebhook(program, ctx);
  registerSandbox(program, ctx);
  program.commandsGroup('Activity & streams:');
  registerActivity(program, ctx);
  registerAccountActivity(program, ctx);
  registerStream(program, ctx);
  program.commandsGroup('Credentials:');
  registerAuth(program, ctx);
  program.commandsGroup('Other:');
  registerMcp(program, ctx);
  registerCompletion(program, ctx);
  registerVersion(program, ctx);
  registerHelp(program, ctx);
  registerComplete(program, ctx);
  for (const sub of program.commands) tidySubcommands(sub, `xcli ${sub.name()}`);
  groupsPrintHelp(program);
  addJqToJsonCommands(program);
  return program;
}

/** Commander's own messages as one line, e.g. "unknown command 'strat'\n(Did you mean start?)". */
function oneLine(message: string): string {
  return message
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/** Usage errors point at the help of the command that was typed; no `help` pseudo-commands. */
function tidySubcommands(cmd: Command, path: string): void {
  cmd.helpCommand(false);
  cmd.configureOutput({ outputError: (s, write) => write(`xcli: ${oneLine(s)} (see '${path} --help')\n`) });
  for (const sub of cmd.commands) tidySubcommands(sub, `${path} ${sub.name()}`);
}

const ROOT_HELP_FOOTER = `
Examples:
  $ xcli auth app --bearer-token "$TOKEN"        store an app-only bearer token
  $ xcli /2/tweets/20                            GET a post (auth chosen for the route)
  $ xcli -X POST /2/tweets -d '{"text":"hi"}'    POST JSON
  $ xcli '/2/users/{me}/followers' --paginate    follow next_token through every page
  $ xcli webhook start                           answer X's CRC and log events locally

Exit codes: 0 ok, 1 HTTP error or failure, 2 usage, 3 credentials, 4 network, 5 rate-limited.
Environment: XCLI_CONFIG_DIR, XCLI_API_BASE_URL, X_BEARER_TOKEN, X_CONSUMER_KEY, X_CONSUMER_SECRET,
  X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET, X_CLIENT_ID, X_CLIENT_SECRET, NGROK_AUTHTOKEN, NO_COLOR.
`;

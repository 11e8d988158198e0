// `xcli help [command…]` as git and gh have it, `xcli help --man` (the manual page), and a command
// group typed alone (`xcli webhook`) printing its help on stdout instead of commander's stderr.
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { visibleCommands } from '../help/visible.js';

export function registerHelp(program: Command, ctx: Context): void {
  program
    .command('help')
    .description('show help for xcli or a command (xcli help webhook start)')
    .argument('[command...]', 'the command to explain')
    .option('--man', 'print the manual page (roff, as `man xcli` reads it)')
    .action(async (words: string[], opts: { man?: boolean }) => {
      if (opts.man) {
        const { manPage } = await import('../help/man.js');
        ctx.io.stdout.write(manPage(program, ctx.version));
        return;
      }
      findCommand(program, words).outputHelp();
    });
}

/** The command named by `words` (names or aliases), or a usage error naming the first unknown word. */
export function findCommand(program: Command, words: readonly string[]): Command {
  let cmd = program;
  for (const word of words) {
    const next = visibleCommands(cmd).find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) {
      const path = ['xcli', ...words.slice(0, words.indexOf(word))].join(' ');
      throw new UsageError(`unknown command '${word}' (see '${path} --help')`);
    }
    cmd = next;
  }
  return cmd;
}

/**
 * Every group (a command with subcommands and no action of its own) prints its help on stdout and
 * exits 0 when typed alone; an unknown word after it stays commander's "unknown command" error.
 */
export function groupsPrintHelp(cmd: Command): void {
  for (const sub of cmd.commands) {
    if (sub.commands.length > 0 && !(sub as Command & { _actionHandler?: unknown })._actionHandler) {
      sub.allowExcessArguments(true).action((_opts: unknown, self: Command) => {
        if (self.args.length > 0) (self as Command & { unknownCommand(): never }).unknownCommand();
        self.outputHelp();
      });
    }
    groupsPrintHelp(sub);
  }
}

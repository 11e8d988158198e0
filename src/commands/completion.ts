import { Command } from 'commander';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { completionScript, type CompletionNode, type Shell } from '../completion/scripts.js';

const SHELLS: Shell[] = ['bash', 'zsh', 'fish'];

function toNode(cmd: Command): CompletionNode {
  return {
    name: cmd.name(),
    description: cmd.description(),
    flags: cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))),
    children: cmd.commands.map(toNode),
  };
}

export function registerCompletion(program: Command, ctx: Context): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', SHELLS.join('|'))
    .addHelpText('after', '\nExamples:\n  $ eval "$(xcli completion bash)"\n  $ xcli completion fish | source\n')
    .action((shell: string) => {
      if (!SHELLS.includes(shell as Shell)) throw new UsageError(`unknown shell '${shell}': use ${SHELLS.join(', ')}`);
      ctx.io.stdout.write(completionScript(shell as Shell, toNode(program)));
    });
}

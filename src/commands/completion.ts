import type { Command } from 'commander';
import type { Context } from '../context.js';
import { runCompletion, SHELLS, type CompletionNode } from '../completion/scripts.js';

/** The run function of `completion` (src/completion/scripts.ts). */
export type CompletionRuns = { runCompletion: typeof runCompletion };

function toNode(cmd: Command): CompletionNode {
  return {
    name: cmd.name(),
    description: cmd.description(),
    flags: cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))),
    children: cmd.commands.map(toNode),
  };
}

export function registerCompletion(program: Command, ctx: Context, run: CompletionRuns = { runCompletion }): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', SHELLS.join('|'))
    .addHelpText('after', '\nExamples:\n  $ eval "$(xcli completion bash)"\n  $ xcli completion fish | source\n')
    .action((shell: string) => run.runCompletion(ctx, { shell, root: toNode(program) }));
}

import { Argument, type Command } from 'commander';
import type { Context } from '../context.js';
import { runCompletion, SHELLS, type Shell } from '../completion/scripts.js';

/** The run function of `completion` (src/completion/scripts.ts). */
export type CompletionRuns = { runCompletion: typeof runCompletion };

export function registerCompletion(program: Command, ctx: Context, run: CompletionRuns = { runCompletion }): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh, fish or powershell)')
    .addArgument(new Argument('<shell>', SHELLS.join('|')).choices(SHELLS))
    .addHelpText(
      'after',
      `
Examples:
  $ eval "$(xcli completion bash)"                        in ~/.bashrc
  $ eval "$(xcli completion zsh)"                         in ~/.zshrc, after compinit
  $ xcli completion fish > ~/.config/fish/completions/xcli.fish
  PS> xcli completion powershell | Out-String | Invoke-Expression   in $PROFILE
`,
    )
    .action((shell: Shell) => run.runCompletion(ctx, { shell }));
}

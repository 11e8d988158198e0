import { Argument, type Command } from 'commander';
import type { Context } from '../context.js';
import { completionScript, SHELLS, type Shell } from '../completion/scripts.js';

export function registerCompletion(program: Command, ctx: Context): void {
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
    .action((shell: Shell) => {
      ctx.io.stdout.write(completionScript(shell));
    });
}

// The subcommands a user may type and see in help, completion and the manual page.
import type { Command } from 'commander';

/** Subcommands without the hidden ones (`__complete`). */
export function visibleCommands(cmd: Command): Command[] {
  return cmd.commands.filter((c) => !(c as Command & { _hidden?: boolean })._hidden);
}

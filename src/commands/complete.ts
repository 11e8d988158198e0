// The hidden `xcli __complete --current=WORD -- WORDS…` the completion scripts call on every ⇥:
// one candidate a line, `value<TAB>description`. The current word travels as an option value so an
// empty one survives shells that drop empty arguments (PowerShell before 7.3).
import type { Command } from 'commander';
import type { Context } from '../context.js';
import type { ValueSources } from '../completion/engine.js';

export function registerComplete(program: Command, ctx: Context): void {
  program
    .command('__complete', { hidden: true })
    .description('answer a shell completion request')
    .option('--current <word>', 'the word being completed', '')
    .argument('[words...]', 'the words typed before it, after `xcli`')
    .helpOption(false)
    .action(async (words: string[], opts: { current: string }) => {
      // Loaded here: the engine's event-type and sample tables cost every other command ~2 ms to build.
      const { complete } = await import('../completion/engine.js');
      const candidates = await complete(program, words, opts.current, storeNames(ctx));
      const line = (text: string) => text.replace(/[\t\r\n]+/g, ' ');
      ctx.io.stdout.write(
        candidates.map((c) => `${c.description ? `${line(c.value)}\t${line(c.description)}` : line(c.value)}\n`).join(''),
      );
    });
}

/** App and user names from the credential store; an unreadable store completes nothing. */
function storeNames(ctx: Context): ValueSources {
  const apps = async () => {
    try {
      return (await ctx.store()).read().apps;
    } catch {
      return {};
    }
  };
  return {
    apps: async () => Object.keys(await apps()),
    users: async (app) => {
      const all = await apps();
      const chosen = app !== undefined ? [all[app]] : Object.values(all);
      return [...new Set(chosen.flatMap((a) => Object.keys(a?.oauth2Tokens ?? {})))];
    },
  };
}

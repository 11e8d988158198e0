import type { Command } from 'commander';
import type { Context } from '../context.js';

export function registerVersion(program: Command, ctx: Context): void {
  program
    .command('version')
    .description('print the version')
    .action(() => {
      ctx.io.stdout.write(`xcli ${ctx.version}\n`);
    });
}

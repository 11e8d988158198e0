import type { Command } from 'commander';
import type { Context } from '../context.js';

export function runVersion(ctx: Context): void {
  ctx.io.stdout.write(`xcli ${ctx.version}\n`);
}

export function registerVersion(program: Command, ctx: Context, run: { runVersion: typeof runVersion } = { runVersion }): void {
  program
    .command('version')
    .description('print the version')
    .action(() => run.runVersion(ctx));
}

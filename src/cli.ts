// main(argv, io, env) → exit code: the only place where errors become exit codes.
import { CommanderError } from 'commander';
import { createContext, type ContextOverrides } from './context.js';
import { EXIT, XcliError } from './errors.js';
import type { Env, IOStreams } from './io.js';
import { createProgram } from './program.js';
import { VERSION } from './version.js';

export async function main(argv: string[], io: IOStreams, env: Env, overrides: ContextOverrides = {}): Promise<number> {
  const ctx = createContext(io, env, VERSION, overrides);
  const program = createProgram(ctx, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (error) {
    return reportError(error, io, env);
  }
}

export function reportError(error: unknown, io: IOStreams, env: Env): number {
  if (error instanceof CommanderError) {
    // Commander has already written its message (through configureOutput in program.ts).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return EXIT.OK;
    }
    return EXIT.USAGE;
  }
  if (error instanceof XcliError) {
    if (!error.reported) io.stderr.write(`xcli: ${oneLine(error.message)}\n`);
    if (env.XCLI_DEBUG && error.cause instanceof Error) io.stderr.write(`${error.cause.stack}\n`);
    return error.exitCode;
  }
  // A bug: still one line unless XCLI_DEBUG asks for the stack.
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`xcli: internal error: ${oneLine(message)} (set XCLI_DEBUG=1 for details)\n`);
  if (env.XCLI_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
  return EXIT.FAILURE;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

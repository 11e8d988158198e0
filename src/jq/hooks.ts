// Where --jq and -o take hold: before a command's action, stdout is swapped for a jq filter and/or a
// file, so every command prints as it always does and the filter sees exactly its JSON: pages with
// --paginate, one record at a time on streams, the --json output of any command.
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Chalk } from 'chalk';
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { FailureError, UsageError } from '../errors.js';
import type { IOStreams } from '../io.js';

/** Adds --jq to every command that has --json (the root request command declares its own). */
export function addJqToJsonCommands(cmd: Command): void {
  for (const sub of cmd.commands) {
    if (sub.options.some((o) => o.long === '--json') && !sub.options.some((o) => o.long === '--jq')) {
      sub.option('--jq <expr>', "filter the JSON output with a jq expression, as gh's --jq (implies --json)");
    }
    addJqToJsonCommands(sub);
  }
}

/** Installs the hooks on the root; `-o FILE` belongs to the request command only (webhook start has its own -o). */
export function installOutputHooks(program: Command, ctx: Context): void {
  let finish: (() => Promise<void>) | undefined;
  program.hook('preAction', async (_root, action) => {
    const opts = action.opts() as { jq?: string; output?: string; include?: boolean };
    if (opts.jq !== undefined && opts.include)
      throw new UsageError('--jq and -i cannot be used together: jq reads the body only');
    const output = action === program && opts.output !== '-' ? opts.output : undefined;
    if (opts.jq === undefined && output === undefined) return;
    const closers: Array<() => Promise<void>> = [];
    let stdout: Writable = ctx.io.stdout;
    if (output !== undefined) {
      const file = await open(output, 'w').catch((error: NodeJS.ErrnoException) => {
        throw new FailureError(`-o: cannot write ${output}: ${error.code ?? error.message}`);
      });
      const stream = file.createWriteStream();
      stdout = stream;
      closers.unshift(async () => {
        stream.end();
        await finished(stream);
      });
    }
    if (opts.jq !== undefined) {
      const [{ loadJq }, { JqSink }] = await Promise.all([import('./engine.js'), import('./sink.js')]);
      const sink = new JqSink(await loadJq(opts.jq, output === undefined && ctx.io.isStdoutTTY), stdout);
      let failure: unknown;
      sink.on('error', (error) => (failure ??= error));
      stdout = sink;
      closers.unshift(async () => {
        sink.end();
        await finished(sink).catch(() => {});
        if (failure) throw failure;
      });
      if (action !== program) action.setOptionValue('json', true);
    }
    // The command prints data as it would into a pipe: raw bytes, no colour, no tables.
    ctx.io = Object.create(ctx.io, {
      stdout: { value: stdout },
      isStdoutTTY: { value: false },
      colorStdout: { value: false },
      paintStdout: { value: new Chalk({ level: 0 }) },
      stdoutColumns: { value: undefined },
    }) as IOStreams;
    finish = async () => {
      for (const close of closers) await close();
    };
  });
  program.hook('postAction', async () => {
    await finish?.();
  });
}

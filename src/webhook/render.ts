// The console of `webhook start`, and the only module here that knows colour: one line per CRC and
// per event on stdout, status and problems on stderr; `--json` turns every server event into one
// NDJSON record on stdout instead.
import type { Writable } from 'node:stream';
import type { IOStreams } from '../io.js';
import { terminalText as printable } from '../terminal-text.js';
import type { ServerEvent } from './server.js';

export interface RenderOptions {
  json: boolean;
  quiet: boolean;
  pretty: boolean;
}

type Paint = (s: string) => string;

function palette(enabled: boolean): Record<'green' | 'red' | 'yellow' | 'dim' | 'bold' | 'cyan', Paint> {
  const wrap = (open: number, close: number): Paint => (enabled ? (s) => `\u001b[${open}m${s}\u001b[${close}m` : (s) => s);
  return { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), cyan: wrap(36, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** How long a console line may wait for others to share its write. */
const LINE_BATCH_MS = 20;
const LINE_BATCH_BYTES = 16 * 1024;

/**
 * stdout lines gathered into one write every LINE_BATCH_MS (or 16 KB): under load (thousands of
 * CRC checks a second) a write per line cost ~20% of the server's throughput, and even one write
 * per event-loop turn was nearly one per request (bench/cases/crc.mjs). 20 ms is below what a
 * person sees; `flush` goes first when writing to stderr, so the two streams keep their order.
 */
function lineBatcher(stdout: Writable): { line: (s: string) => void; flush: () => void } {
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (pending === '') return;
    const text = pending;
    pending = '';
    stdout.write(text);
  };
  const line = (s: string): void => {
    pending += `${s}\n`;
    if (pending.length >= LINE_BATCH_BYTES) flush();
    else timer ??= setTimeout(flush, LINE_BATCH_MS);
  };
  return { line, flush };
}

export function createRenderer(io: IOStreams, options: RenderOptions): (event: ServerEvent) => void {
  const { line, flush } = lineBatcher(io.stdout);
  if (options.json) return (event) => line(jsonRecord(event));
  const out = palette(io.colorStdout);
  const err = palette(io.colorStderr);
  const note = (s: string): void => {
    flush();
    io.stderr.write(`${s}\n`);
  };
  return (event) => {
    switch (event.type) {
      case 'ready': {
        note(`${err.green('Ready.')} Webhook URL: ${err.bold(event.url)}${event.publicUrl ? err.dim(`  (local ${event.localUrl})`) : ''}`);
        note(err.dim(`Events are logged to ${event.logFiles.join(' and ')}${event.forwardTo ? `, forwarded to ${event.forwardTo}` : ''}. Ctrl-C to stop.`));
        return;
      }
      case 'crc': {
        if (options.quiet) return;
        const o = event.outcome;
        if (!o.answered) {
          line(`${out.dim(clock(event.time))}  ${out.cyan('CRC')}  ${out.red(`✗ ${o.status}`)} ${o.reason}`);
        } else if (o.passthrough) {
          const p = o.passthrough;
          line(`${out.dim(clock(event.time))}  ${out.cyan('CRC')}  via app ${p.ok ? out.green(`✓ ${o.status}`) : out.red(`✗ ${o.status} ${p.problem ?? ''}`)} ${out.dim(ms(p.latencyMs))}`);
        } else {
          line(`${out.dim(clock(event.time))}  ${out.cyan('CRC')}  ${out.green('✓ 200')}${o.nonce ? out.dim(`  nonce ${printable(o.nonce)}`) : ''}`);
        }
        return;
      }
      case 'event': {
        if (options.quiet) return;
        const r = event.record;
        const sig = r.verdict === 'valid' ? out.green('✓') : out.red(r.verdict === 'missing' ? '✗ unsigned' : `✗ bad signature${r.signedWith ? ` (signed with ${r.signedWith})` : ''}`);
        const parts = [`${out.dim(clock(r.time))} `, out.bold(printable(r.type)), printable(r.actor ?? ''), r.summary ? printable(JSON.stringify(r.summary)) : '', sig];
        if (r.eventId) parts.push(out.dim(`[${printable(r.eventId)}]`));
        if (r.dup) parts.push(out.yellow('(dup)'));
        line(parts.filter(Boolean).join(' '));
        if (options.pretty && event.json !== undefined) line(indent(JSON.stringify(event.json, null, 2).split('\n').map((l) => printable(l)).join('\n')));
        return;
      }
      case 'rejected':
        if (!options.quiet) line(`${out.dim(clock(event.time))}  ${out.red(`✗ 403 ${event.verdict === 'missing' ? 'unsigned' : 'bad signature'}`)} ${printable(event.eventType)} (refused, not logged)`);
        return;
      case 'forward': {
        const f = event.result;
        if (f.error) {
          note(`${err.red('  ✗ forward')} ${f.error}`);
        } else if (!options.quiet) {
          const status = f.status === 200 ? out.green(String(f.status)) : out.yellow(String(f.status));
          line(`  ${out.dim('→')} ${status} ${f.url} ${out.dim(ms(f.latencyMs))}${f.status !== 200 && f.responseBody ? out.dim(`  ${printable(f.responseBody)}`) : ''}`);
        }
        for (const w of f.warnings) if (!f.error) note(`  ${err.yellow('!')} ${w}`);
        return;
      }
      case 'tunnel':
        if (event.state === 'open') note(`${err.green('Tunnel open:')} ${event.url}`);
        else if (event.state === 'reconnecting') note(err.yellow(`Tunnel closed${event.message ? ` (${event.message})` : ''}; reconnecting in ${ms(event.retryInMs ?? 0)}…`));
        else note(err.yellow(`Tunnel ${event.state}${event.message ? `: ${event.message}` : ''}`));
        return;
      case 'selfcheck':
        note(event.ok ? `${err.green('✓')} CRC through ${event.url} answered correctly in ${ms(event.latencyMs ?? 0)}` : `${err.red('✗')} CRC through ${event.url} failed: ${event.problem}`);
        return;
      case 'register':
        note(`${err.green('✓')} webhook ${event.webhookId} ${event.action} for ${event.url}`);
        return;
      case 'warning':
        note(`${err.yellow('warning:')} ${printable(event.message)}`);
        return;
      case 'error':
        note(`${err.red('error:')} ${printable(event.message)}`);
        return;
      case 'summary': {
        const s = event.stats;
        const forwarded = s.forwarded + s.forwardFailures + s.forwardDropped > 0 ? `, forwarded ${s.forwarded} (${s.forwardFailures} failed, ${s.forwardDropped} dropped)` : '';
        note(`Stopped after ${event.seconds.toFixed(0)} s: ${s.crc} CRC, ${s.events} ${s.events === 1 ? 'event' : 'events'} (${s.verified} verified, ${s.unverified} unverified, ${s.duplicates} ${s.duplicates === 1 ? 'duplicate' : 'duplicates'}${s.rejected ? `, ${s.rejected} refused` : ''}${s.storeFailures ? `, ${s.storeFailures} not stored` : ''})${forwarded}.`);
        return;
      }
    }
  };
}

/** The NDJSON record of an event; an event embeds its log line as `record` instead of serialising again. */
export function jsonRecord(event: ServerEvent): string {
  switch (event.type) {
    case 'event':
      return `{"type":"event","record":${event.line}}`;
    case 'crc': {
      const o = event.outcome;
      return JSON.stringify({ type: 'crc', time: event.time, ok: o.answered && (o.passthrough?.ok ?? true), status: o.status, nonce: o.nonce, reason: o.answered ? o.passthrough?.problem : o.reason, passthrough: o.answered && o.passthrough ? true : undefined });
    }
    case 'forward':
      return JSON.stringify({ type: 'forward', ...event.result });
    default:
      return JSON.stringify(event);
  }
}

/** The last second formatted: under load most lines share it, and parsing dates cost per line. */
let lastClock = { second: '', text: '' };

/** HH:MM:SS in local time of an ISO timestamp. */
function clock(iso: string): string {
  const second = iso.slice(0, 19);
  if (second !== lastClock.second) {
    const d = new Date(iso);
    const p = (n: number): string => String(n).padStart(2, '0');
    lastClock = { second, text: `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` };
  }
  return lastClock.text;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}

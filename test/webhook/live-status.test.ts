// Issue 19 item 5: the live status line of `webhook start` on a terminal (forced with XCLI_FORCE_TTY
// and a fake width, and in a real pseudo-terminal through tmux), and none when piped.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { XCLI_BIN } from '../helpers/run-cli.js';
import { SECRET, startQuietServer, type QuietServer } from '../reliability/lib/webhook-child.js';
import { signBody } from '../../src/webhook/signature.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const ERASE_LINE = '\r\u001b[K';
const { defer, configDir } = cleanupAfterEach();

async function server(env: Record<string, string>, args: string[] = []): Promise<QuietServer> {
  const s = await startQuietServer(configDir(), args, env);
  defer(() => (s.child.exitCode === null && s.child.signalCode === null ? s.kill() : undefined));
  return s;
}

async function post(url: string, body: string, signed = true): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signed) headers['x-twitter-webhooks-signature'] = signBody(SECRET, Buffer.from(body));
  await (await fetch(url, { method: 'POST', body, headers })).arrayBuffer();
}

/**
 * The screen stderr leaves on a terminal, line by line: `\r` goes back to the line's start,
 * ERASE_LINE's `\u001b[K` clears from there, other text overwrites. (Colour is off: NO_COLOR.)
 */
function screenOf(stderr: string): string[] {
  const lines: string[] = [];
  let line = '';
  let column = 0;
  for (const token of stderr.match(/\u001b\[K|./gsu) ?? []) {
    if (token === '\u001b[K') line = line.slice(0, column);
    else if (token === '\r') column = 0;
    else if (token === '\n') {
      lines.push(line);
      line = '';
      column = 0;
    } else {
      line = line.slice(0, column) + token + line.slice(column + 1);
      column++;
    }
  }
  return [...lines, line];
}

const like = (id: string): string => JSON.stringify({ for_user_id: '1', favorite_events: [{ id }] });
const follow = (id: string): string =>
  JSON.stringify({ for_user_id: '1', follow_events: [{ type: 'follow', created_timestamp: id }] });

describe('webhook start: live status line', () => {
  it('with XCLI_FORCE_TTY keeps one status line, cut to the width, and prints counts by type on stop', async () => {
    const s = await server({ XCLI_FORCE_TTY: '1', COLUMNS: '30', NO_COLOR: '1' }); // plain text, to read the URL
    await post(s.url, like('1'));
    await post(s.url, like('2'));
    await post(s.url, follow('3'));
    await post(s.url, like('1')); // a duplicate
    await post(s.url, like('4'), false); // unsigned
    await s.waitForStderr(/5\/min · 4 verified, 1 failed…/); // ' · 1 dup' cut at 30 columns
    expect(await s.stop()).toBe(0);
    const err = s.stderr();
    // Every drawing of the status line fits 30 columns (29: the last one may wrap).
    // (A drawing has no newline; the erases before other lines are followed by whole lines.)
    const drawings = err
      .split(ERASE_LINE)
      .slice(1)
      .filter((d) => !d.includes('\n'));
    expect(drawings.length).toBeGreaterThan(0);
    for (const d of drawings) expect(d.length).toBeLessThanOrEqual(29);
    // Taken away before the summary: nothing is left after the last erase but whole lines.
    const afterLastErase = err.slice(err.lastIndexOf(ERASE_LINE) + ERASE_LINE.length);
    expect(afterLastErase).toMatch(
      /^Stopped after .*1 duplicate.*\nEvents by type:\n +4 +favorite_events\n +1 +follow_events\n$/,
    );
  });

  it('--sandbox: every note (feeds, subscriptions, next steps) erases the status line first, which says no tunnel runs', async () => {
    const s = await server({ XCLI_FORCE_TTY: '1', COLUMNS: '200', NO_COLOR: '1' }, ['--sandbox']);
    await s.waitForStderr(/Webhook \d+ is fed by/);
    await s.waitForStderr(/Ctrl-C stops both\.\n[\s\S]*\/min · /); // the last note, then a redraw
    // What the terminal shows now: every note on a line of its own, the status line (if drawn) last.
    const running = screenOf(s.stderr());
    for (const l of running.slice(0, -1)) expect(l).not.toMatch(/\/min ·/);
    expect(running.at(-1)).toMatch(/^\d+\/min · .* · no tunnel \(local URL\)$/);
    expect(running).toContainEqual(expect.stringMatching(/^Webhook \d+ is fed by/));
    expect(s.stderr()).not.toContain('tunnel open');
    expect(await s.stop()).toBe(0);
    for (const l of screenOf(s.stderr())) expect(l).not.toMatch(/\/min ·/);
  });

  it('piped (no terminal, no XCLI_FORCE_TTY): no status line and no counts by type', async () => {
    const s = await server({});
    await post(s.url, like('1'));
    expect(await s.stop()).toBe(0);
    await s.exited;
    expect(s.stderr()).not.toContain('\u001b[K');
    expect(s.stderr()).not.toContain('Events by type');
    expect(s.stderr()).toMatch(/Stopped after .* 1 event/);
  });

  // The real thing: a pseudo-terminal (tmux, Debian package `tmux`).
  const hasTmux = spawnSync('tmux', ['-V']).status === 0;
  /** `xcli ARGS` in a detached tmux pane of `width` × `height`, with this test's config dir. */
  const inTmux = (args: string, width: number, height: number, env: string[]) => {
    const session = `xcli-live-${process.pid}-${width}`;
    const tmux = (...a: string[]): string => execFileSync('tmux', ['-L', session, ...a], { encoding: 'utf8' });
    // `; cat` keeps the pane (and its last screen) after xcli exits; the cleanup ends the server.
    const command = `'${process.execPath}' '${XCLI_BIN}' ${args}; cat`;
    const envArgs = [`XCLI_CONFIG_DIR=${configDir()}`, ...env].flatMap((e) => ['-e', e]);
    tmux('new-session', '-d', '-x', String(width), '-y', String(height), ...envArgs, command);
    defer(() => spawnSync('tmux', ['-L', session, 'kill-server']));
    const screen = (): string => tmux('capture-pane', '-p');
    const waitForScreen = async (pattern: RegExp): Promise<RegExpMatchArray> => {
      // Polls the pane (tmux has no event for it), bounded by the test's timeout.
      for (;;) {
        const m = screen().match(pattern);
        if (m) return m;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    return { tmux, screen, waitForScreen };
  };

  it.skipIf(!hasTmux)(
    'in a real terminal (tmux) the status line sits under the event lines and is redrawn in place',
    async () => {
      const { tmux, screen, waitForScreen } = inTmux('webhook start --no-tunnel --port 0', 50, 20, [
        `X_CONSUMER_SECRET=${SECRET}`,
      ]);
      const url = (await waitForScreen(/Webhook URL: (http:\/\/\S+)/))[1]!;
      await post(url, like('1'));
      await post(url, follow('2'));
      const shown = await waitForScreen(/2\/min · 2 verified, 0 failed · 0 dup/);
      const lines = screen().trimEnd().split('\n');
      // The status line is the last one, once, under both event lines.
      expect(lines.at(-1)).toMatch(/^2\/min · 2 verified, 0 failed · 0 dup$/);
      expect(lines.filter((l) => l.includes('/min ·'))).toHaveLength(1);
      expect(lines.findIndex((l) => l.includes('favorite_events'))).toBeLessThan(lines.length - 1);
      expect(lines.findIndex((l) => l.includes('follow_events'))).toBeLessThan(lines.length - 1);
      expect(shown).toBeTruthy();
      tmux('send-keys', 'C-c');
      await waitForScreen(/Events by type:\n +1 +favorite_events\n +1 +follow_events/);
      expect(screen()).not.toMatch(/\/min ·/);
    },
    20_000,
  );

  it.skipIf(!hasTmux)(
    'in a real terminal (tmux) `--sandbox` notes never leave a status line behind',
    async () => {
      const { screen, waitForScreen } = inTmux('webhook start --sandbox --port 0', 160, 60, []);
      await waitForScreen(/Ctrl-C stops both\.\n\d+\/min · /);
      const lines = screen().trimEnd().split('\n');
      expect(lines.filter((l) => l.includes('/min ·'))).toHaveLength(1);
      expect(lines.at(-1)).toMatch(/^\d+\/min · .* · no tunnel \(local URL\)$/);
      expect(lines).toContainEqual(expect.stringMatching(/^Webhook \d+ is fed by/));
    },
    20_000,
  );
});

// kill -9 of `webhook start` in the middle of a burst from 64 connections, then a restart on the same
// log (issue 7, faults): no acknowledged event is missing, no line is corrupted, and a torn tail is
// skipped with a warning, by the server on restart and by `webhook events`, never glued to a new line.
import { appendFileSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { burst } from './lib/load.js';
import { checkLog, missingAndRepeated, type LogCheck } from './lib/log-check.js';
import { reportFigure, scaled, timeLimit } from './lib/scale.js';
import { SECRET, startQuietServer, startServerWithCopy } from './lib/webhook-child.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const EVENTS = scaled(6000, 60_000);
const CONNECTIONS = 64;

const { defer } = cleanupAfterEach();

/** Only the very last line may be unreadable, and only when the file does not end with a newline. */
function expectOnlyTornTail(log: LogCheck, file: string): void {
  if (log.endsWithNewline) expect(log.badLines, file).toEqual([]);
  else expect(log.badLines, file).toEqual([log.lastLine]);
}

describe('kill -9 during a burst', () => {
  it(
    'loses no acknowledged event, corrupts no line, and skips a torn tail with a warning after a restart',
    async () => {
      const { server: first, configDir, mainLog: main, copyLog: copy, cleanup } = await startServerWithCopy();
      defer(cleanup);

      let killed = false;
      const killAt = Math.floor(EVENTS / 3);
      const result = await burst(first.url, {
        secret: SECRET,
        events: EVENTS,
        connections: CONNECTIONS,
        idPrefix: 'before',
        shouldStop: () => killed,
        onAnswered: (n) => {
          if (n >= killAt && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        },
      });
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(result.acked.length).toBeGreaterThanOrEqual(killAt - CONNECTIONS);
      // Whatever was in flight at the kill got no answer: those are X's to retry, not acknowledged.
      expect(Object.keys(result.statuses)).toEqual(['200']);

      for (const file of [main, copy]) {
        const log = await checkLog(file);
        expectOnlyTornTail(log, file);
        expect(missingAndRepeated(log, result.acked)).toEqual({ missing: [], repeated: [] });
      }

      // A kill in the middle of write(2) leaves part of a record with no newline: make sure there is one.
      const whole = readFileSync(main, 'utf8');
      const lastRecord = whole.trimEnd().split('\n').at(-1)!;
      const tornPart = lastRecord.slice(0, Math.floor(lastRecord.length / 2));
      if (whole.endsWith('\n')) appendFileSync(main, tornPart);
      const tornLine = (await checkLog(main)).lastLine;
      reportFigure('kill -9 mid-burst', {
        sent: EVENTS,
        killedAfter: killAt,
        acknowledged: result.acked.length,
        noAnswer: result.failed,
        tornByKill: whole.endsWith('\n') ? 'no' : 'yes',
      });

      const second = await startQuietServer(configDir, ['-o', copy]);
      defer(() => second.kill());
      await second.waitForStderr(/warning: skipped a torn last line in .*events\.jsonl/);
      const after = await burst(second.url, { secret: SECRET, events: 500, connections: 16, idPrefix: 'after' });
      expect(after.statuses).toEqual({ 200: 500 });
      expect(await second.stop()).toBe(0);

      const log = await checkLog(main);
      // The torn line stays where it was (never rewritten), and nothing was glued to it.
      expect(log.badLines).toEqual([tornLine]);
      expect(log.endsWithNewline).toBe(true);
      expect(missingAndRepeated(log, [...result.acked, ...after.acked])).toEqual({ missing: [], repeated: [] });
      const copyLog = await checkLog(copy);
      expect(copyLog.badLines.length).toBeLessThanOrEqual(1);
      expect(missingAndRepeated(copyLog, [...result.acked, ...after.acked])).toEqual({ missing: [], repeated: [] });

      // The reader used by `webhook events` skips the torn line, says so, and keeps every record.
      const listed = await runCli(['webhook', 'events', '--json'], { env: { XCLI_CONFIG_DIR: configDir } });
      expect(listed.code).toBe(0);
      expect(listed.stderr).toMatch(new RegExp(`warning: skipped unreadable line ${tornLine} of `));
      const ids = new Set(
        listed.stdout
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { eventId: string }).eventId),
      );
      for (const id of [...result.acked, ...after.acked]) expect(ids.has(id), id).toBe(true);
    },
    timeLimit(60_000),
  );
});

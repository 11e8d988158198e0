// Load (issue 7): signed events from 64 concurrent connections against `webhook start` (a child
// process): every acknowledged event is in the log exactly once, the log parses line by line, and a
// CRC sent in the middle of the burst gets the right answer. `npm run soak` runs it at 200,000 events.
import { describe, expect, it } from 'vitest';
import { burst } from './lib/load.js';
import { checkLog, missingAndRepeated } from './lib/log-check.js';
import { peakRssMiB, percentile, reportFigure, scaled, timeLimit } from './lib/scale.js';
import { SECRET, startServerWithCopy } from './lib/webhook-child.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const EVENTS = scaled(20_000, 200_000);
const CONNECTIONS = 64;

const { defer } = cleanupAfterEach();

describe(`load: ${EVENTS} signed events from ${CONNECTIONS} connections`, () => {
  it(
    'acknowledges every event, logs each exactly once in both logs, and answers a CRC mid-burst',
    async () => {
      const { server, mainLog, copyLog, cleanup } = await startServerWithCopy();
      defer(cleanup);

      const result = await burst(server.url, {
        secret: SECRET,
        events: EVENTS,
        connections: CONNECTIONS,
        idPrefix: 'load',
        crcAfter: Math.floor(EVENTS / 2),
      });

      expect(result.failed).toBe(0);
      expect(result.statuses).toEqual({ 200: EVENTS });
      expect(result.crc).toBeDefined();
      expect(result.crc!.status).toBe(200);
      expect(JSON.parse(result.crc!.body)).toEqual({ response_token: result.crc!.expected });

      const serverPeakRssMiB = peakRssMiB(server.child.pid);
      expect(await server.stop()).toBe(0);
      expect(server.stderr()).toMatch(new RegExp(`1 CRC, ${EVENTS} events \\(${EVENTS} verified, 0 unverified, 0 duplicates\\)`));

      for (const file of [mainLog, copyLog]) {
        const log = await checkLog(file);
        expect(log.badLines, file).toEqual([]);
        expect(log.endsWithNewline).toBe(true);
        expect(log.lines).toBe(EVENTS);
        expect(log.verdicts).toEqual({ valid: EVENTS });
        expect(missingAndRepeated(log, result.acked)).toEqual({ missing: [], repeated: [] });
      }

      const sorted = [...result.latenciesMs].sort((a, b) => a - b);
      const figures = {
        events: EVENTS,
        connections: CONNECTIONS,
        seconds: Number(result.seconds.toFixed(2)),
        eventsPerSecond: Math.round(EVENTS / result.seconds),
        p50Ms: Number(percentile(sorted, 50).toFixed(2)),
        p99Ms: Number(percentile(sorted, 99).toFixed(2)),
        maxMs: Number(sorted.at(-1)!.toFixed(2)),
        serverPeakRssMiB: serverPeakRssMiB ?? 'n/a',
      };
      reportFigure('load', figures);
    },
    timeLimit(60_000),
  );
});

// Reads an event log line by line, as an independent reader would: every line must be a whole JSON
// record; only the very last line may be torn (a kill -9 mid-write), and only when allowed.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface LogCheck {
  lines: number;
  /** eventId → how many records carry it. */
  counts: Map<string, number>;
  verdicts: Record<string, number>;
  /** 1-based numbers of lines that are not a JSON object with v, id, time. */
  badLines: number[];
  lastLine: number;
  /** The file ends with a newline (no partial record at the end). */
  endsWithNewline: boolean;
}

export async function checkLog(path: string): Promise<LogCheck> {
  const check: LogCheck = { lines: 0, counts: new Map(), verdicts: {}, badLines: [], lastLine: 0, endsWithNewline: true };
  const input = createReadStream(path);
  let lastByte = 0x0a;
  input.on('data', (chunk) => {
    const b = chunk as Buffer;
    if (b.length > 0) lastByte = b[b.length - 1]!;
  });
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    check.lines++;
    check.lastLine = check.lines;
    let record: { v?: unknown; id?: unknown; time?: unknown; eventId?: unknown; verdict?: unknown } | undefined;
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      record = undefined;
    }
    if (
      !record ||
      typeof record !== 'object' ||
      record.v !== 1 ||
      typeof record.id !== 'string' ||
      typeof record.time !== 'string'
    ) {
      check.badLines.push(check.lines);
      continue;
    }
    const verdict = String(record.verdict);
    check.verdicts[verdict] = (check.verdicts[verdict] ?? 0) + 1;
    if (typeof record.eventId === 'string') check.counts.set(record.eventId, (check.counts.get(record.eventId) ?? 0) + 1);
  }
  check.endsWithNewline = lastByte === 0x0a;
  return check;
}

/** Acknowledged ids missing from the log, and ids logged more than once. */
export function missingAndRepeated(check: LogCheck, acked: readonly string[]): { missing: string[]; repeated: string[] } {
  const missing = acked.filter((id) => !check.counts.has(id));
  const repeated = [...check.counts].filter(([, n]) => n > 1).map(([id]) => id);
  return { missing, repeated };
}

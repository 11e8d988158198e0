// The webhook console batches its stdout lines (one write for many CRC lines) without ever letting
// a stderr note overtake a line printed before it.
import { describe, expect, it } from 'vitest';
import { testIO } from '../../src/io.js';
import { createRenderer } from '../../src/webhook/render.js';

const crc = (nonce: string) =>
  ({
    type: 'crc',
    time: '2026-11-23T10:00:00.000Z',
    outcome: { answered: true, token: 'abcdefgh', nonce, status: 200 },
  }) as const;

describe('webhook console', () => {
  it('writes many lines in one write, soon, and flushes them before any stderr note', async () => {
    const io = testIO();
    let writes = 0;
    let firstWrite!: () => void;
    const written = new Promise<void>((resolve) => (firstWrite = resolve));
    const write = io.stdout.write.bind(io.stdout);
    io.stdout.write = ((chunk: string) => {
      writes++;
      firstWrite();
      return write(chunk);
    }) as typeof io.stdout.write;
    const render = createRenderer(io, { json: false, quiet: false, pretty: false });
    for (let i = 0; i < 100; i++) render(crc(`n${i}`));
    expect(io.out()).toBe('');
    // Waits on the batch's write itself, not a fixed time.
    await written;
    expect(writes).toBe(1);
    expect(io.out().trim().split('\n')).toHaveLength(100);
    expect(io.out()).toContain('nonce n99');

    render(crc('last'));
    render({ type: 'warning', message: 'something to say' });
    expect(io.out()).toContain('nonce last');
    expect(io.err()).toContain('something to say');
  });
});

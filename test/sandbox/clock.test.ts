// The emulator's manual time: timers run only when a test moves time on, in time order, at their moment.
import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../src/sandbox/emulator/clock.js';

describe('ManualScheduler', () => {
  it('runs due timers in time order (ties in order of setting), each at its moment, and no others', () => {
    const time = new ManualScheduler(1_000);
    const ran: string[] = [];
    const at = (name: string) => () => ran.push(`${name}@${time.now()}`);
    time.setTimeout(at('late'), 50);
    time.setTimeout(at('first'), 10);
    time.setTimeout(at('tie'), 10);
    const cleared = time.setTimeout(at('cleared'), 5);
    time.clear(cleared);
    time.advance(49);
    expect(ran).toEqual(['first@1010', 'tie@1010']);
    expect(time.now()).toBe(1_049);
    expect(time.pending).toBe(1);
    time.advance(1);
    expect(ran.at(-1)).toBe('late@1050');
    expect(time.pending).toBe(0);
  });

  it('repeats an interval until cleared, and runs timers that due timers set when they fall due', () => {
    const time = new ManualScheduler(0);
    const ticks: number[] = [];
    const interval = time.setInterval(() => {
      ticks.push(time.now());
      if (ticks.length === 1) time.setTimeout(() => ticks.push(-time.now()), 5);
    }, 20);
    time.advance(65);
    expect(ticks).toEqual([20, -25, 40, 60]);
    time.clear(interval);
    time.advance(100);
    expect(ticks).toHaveLength(4);
  });

  it('nextTimer resolves when a timer is set', async () => {
    const time = new ManualScheduler(0);
    const set = time.nextTimer();
    let resolved = false;
    void set.then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(false);
    time.setTimeout(() => {}, 1);
    await set;
    expect(resolved).toBe(true);
  });
});

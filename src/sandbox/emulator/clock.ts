// Time for the emulator, injected: every service reads the time from a Clock and sets its timers
// (delivery retries, CRC schedule, stream keep-alives, state saves) through a Scheduler, so a test can
// hold time still and move it on with `ManualScheduler.advance(ms)` instead of racing real timers.

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** A timer set through a Scheduler; only that scheduler's `clear` knows what it is. */
export type Timer = object;

export interface Scheduler {
  setTimeout(run: () => void, ms: number): Timer;
  setInterval(run: () => void, ms: number): Timer;
  clear(timer: Timer): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemScheduler: Scheduler = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  setInterval: (run, ms) => setInterval(run, ms),
  clear: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

interface ManualTimer {
  at: number;
  /** Set for an interval: it falls due again this many ms later. */
  every?: number;
  /** Order of setting, so timers due at the same moment run in the order they were set. */
  order: number;
  run: () => void;
}

/** A clock and scheduler that move only when told: `advance(ms)` runs every timer that falls due. */
export class ManualScheduler implements Clock, Scheduler {
  private time: number;
  private readonly timers = new Map<Timer, ManualTimer>();
  private setCount = 0;
  private timerWaiters: (() => void)[] = [];

  constructor(start = Date.now()) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): Timer {
    return this.add({ at: this.time + Math.max(0, ms), order: 0, run });
  }

  setInterval(run: () => void, ms: number): Timer {
    const every = Math.max(1, ms);
    return this.add({ at: this.time + every, every, order: 0, run });
  }

  clear(timer: Timer): void {
    this.timers.delete(timer);
  }

  /** How many timers are waiting to fall due. */
  get pending(): number {
    return this.timers.size;
  }

  /** Resolves when the next timer is set (e.g. the retry an attempt schedules once its answer is in). */
  nextTimer(): Promise<void> {
    return new Promise((resolve) => this.timerWaiters.push(resolve));
  }

  /** Moves time `ms` on, running each timer that falls due (timers they set included) at its moment. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [Timer, ManualTimer] | undefined;
      for (const entry of this.timers)
        if (
          entry[1].at <= end &&
          (!next || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[1].order < next[1].order))
        )
          next = entry;
      if (!next) break;
      const [timer, due] = next;
      this.time = due.at;
      if (due.every === undefined) this.timers.delete(timer);
      else due.at += due.every;
      due.run();
    }
    this.time = end;
  }

  private add(timer: ManualTimer): Timer {
    timer.order = this.setCount++;
    const handle = {};
    this.timers.set(handle, timer);
    const waiters = this.timerWaiters;
    this.timerWaiters = [];
    for (const wake of waiters) wake();
    return handle;
  }
}

// The CRC service: runs X's CRC against a webhook, applies X's validity rules, and with
// `--crc-every` re-runs it on every webhook on the injected scheduler.
import type { Clock, Scheduler, Timer } from './clock.js';
import { runCrc, type CrcResult } from './crc-check.js';
import type { SandboxState, SandboxWebhook } from './store.js';

/** Transient CRC failures turn a webhook invalid after 28 h without a pass (24 h cycle + 4 h grace). */
export const X_CRC_GRACE_MS = 28 * 3600_000;

export interface CrcScheduleOptions {
  consumerSecret: string;
  /** A CRC answer slower than this counts as no answer (X: 3 s). */
  timeoutMs: number;
  /** How long transient CRC failures may last before the webhook turns invalid. */
  graceMs: number;
  clock: Clock;
  scheduler: Scheduler;
  /** Called after a webhook's validity may have changed. */
  onChange: () => void;
}

export class CrcSchedule {
  private timer?: Timer;

  constructor(
    private readonly state: SandboxState,
    private readonly options: CrcScheduleOptions,
  ) {}

  /** How long a CRC answer may take. */
  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** Runs a CRC against the webhook and applies X's validity rules; returns what happened. */
  async revalidate(webhook: SandboxWebhook): Promise<CrcResult> {
    const result = await runCrc(webhook.url, this.options.consumerSecret, this.options.timeoutMs);
    const now = this.options.clock.now();
    if (result.verdict === 'passed') {
      webhook.valid = true;
      webhook.lastCrcOkAt = now;
      delete webhook.crcFailingSince;
    } else if (result.verdict === 'failed') {
      webhook.valid = false;
      webhook.crcFailingSince ??= now;
    } else {
      webhook.crcFailingSince ??= now;
      if (now - webhook.crcFailingSince >= this.options.graceMs) webhook.valid = false;
    }
    this.options.onChange();
    return result;
  }

  /** `--crc-every`: re-runs the CRC on every webhook this often. */
  every(intervalMs: number): void {
    this.timer = this.options.scheduler.setInterval(() => {
      for (const webhook of this.state.webhooks.values()) void this.revalidate(webhook);
    }, intervalMs);
  }

  close(): void {
    if (this.timer) this.options.scheduler.clear(this.timer);
  }
}

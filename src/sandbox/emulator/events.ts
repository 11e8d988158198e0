// The event services: X Activity envelopes for matching subscriptions, and the delivery engine
// (signed webhook deliveries with X's retry schedule, duplicates and shuffling on demand, replay jobs).
import type { ActivityInput } from './activity-input.js';
import { randomBytes } from 'node:crypto';
import { signDelivery } from '../../webhook/act-as-x.js';
import { accountActivityPayloads } from './account-activity-payloads.js';
import type { Clock, Scheduler, Timer } from './clock.js';
import { send } from './outbound.js';
import type { StreamHub } from './streaming.js';
import {
  nextId,
  type ActivityFilter,
  type DeliveryMeta,
  type OutboundDelivery,
  type SandboxState,
  type SandboxWebhook,
} from './store.js';

/** X's schedule for a delivery that got no 200 within the timeout: retry after 3 s, 30 s, 5 min. */
export const X_RETRY_DELAYS_MS = [3_000, 30_000, 300_000] as const;

export interface EngineOptions {
  consumerSecret: string;
  /** Delay before each retry (already scaled); its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /** A delivery answer slower than this counts as no answer (X: 3 s). */
  timeoutMs: number;
  /** Probability (0–1) that a delivered event is sent again, as X sometimes does. */
  duplicates: number;
  /** When > 0, each delivery waits a random 0–shuffleMs first, so events arrive out of order. */
  shuffleMs: number;
  random: () => number;
  clock: Clock;
  /** Sets the timers of shuffled deliveries, retries and replay checks. */
  scheduler: Scheduler;
  /** Called after every change worth saving (deliveries). */
  onChange: () => void;
}

export type { ActivityInput } from './activity-input.js';

export interface ActivityEnvelope {
  data: {
    event_uuid: string;
    filter: ActivityFilter;
    event_type: string;
    tag?: string;
    payload: unknown;
    includes?: unknown;
  };
}

/** X's event ids are signed 64-bit integers as strings (they can be negative). */
function eventUuid(): string {
  return randomBytes(8).readBigInt64BE().toString();
}

const DIRECTION_ALIASES = { inbound: 'inbound', outbound: 'outbound', received: 'inbound', sent: 'outbound' } as const;

function filterMatches(filter: ActivityFilter, input: ActivityInput): boolean {
  if (filter.user_id !== undefined && filter.user_id !== input.userId) return false;
  if (filter.keyword !== undefined && !(input.text ?? '').toLowerCase().includes(filter.keyword.toLowerCase())) return false;
  if (filter.direction !== undefined && input.direction !== undefined && DIRECTION_ALIASES[filter.direction] !== input.direction)
    return false;
  return true;
}

/** What making an event happen touches: the store, the clock, the delivery engine and the open streams. */
export interface EventWorld {
  state: SandboxState;
  now(): number;
  engine: DeliveryEngine;
  streams: StreamHub;
}

/**
 * Makes an X Activity event happen: one envelope per matching subscription, delivered to the
 * subscription's webhook and written to every open `/2/activity/stream`; Account Activity
 * webhooks subscribed for the user get the legacy payload. Returns the envelopes.
 */
export function emitActivity(world: EventWorld, eventType: string, input: ActivityInput): ActivityEnvelope[] {
  const { state, engine, streams } = world;
  const envelopes: ActivityEnvelope[] = [];
  const now = world.now();
  for (const sub of state.activitySubscriptions.values()) {
    if (sub.event_type !== eventType || !filterMatches(sub.filter, input)) continue;
    const envelope: ActivityEnvelope = {
      data: {
        event_uuid: eventUuid(),
        filter: sub.filter,
        event_type: eventType,
        ...(sub.tag !== undefined ? { tag: sub.tag } : {}),
        payload: input.payload,
        ...(input.includes !== undefined ? { includes: input.includes } : {}),
      },
    };
    envelopes.push(envelope);
    const body = JSON.stringify(envelope);
    if (sub.webhook_id)
      engine.deliver(sub.webhook_id, body, { kind: 'activity', eventType, eventUuid: envelope.data.event_uuid });
    for (const stream of streams.connections) if (stream.kind === 'activity') stream.send(envelope);
    streams.remember(now, body);
  }
  for (const { webhookId, body } of accountActivityPayloads(state, eventType, input, now)) {
    engine.deliver(webhookId, JSON.stringify(body), { kind: 'account_activity', eventType });
  }
  return envelopes;
}

export class DeliveryEngine {
  private readonly timers = new Set<Timer>();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly state: SandboxState,
    private readonly options: EngineOptions,
  ) {}

  /**
   * Signs and POSTs the body to a webhook, retrying on X's schedule; records the delivery (kind
   * `activity` unless `meta` says otherwise). Undefined when the webhook does not exist.
   */
  deliver(webhookId: string, body: string, meta: DeliveryMeta = { kind: 'activity' }): OutboundDelivery | undefined {
    const webhook = this.state.webhooks.get(webhookId);
    if (!webhook) return undefined;
    const now = this.options.clock.now();
    const delivery: OutboundDelivery = {
      id: nextId(this.state, now),
      webhookId,
      body,
      createdAt: now,
      attempts: [],
      outcome: 'pending',
      ...meta,
    };
    this.state.deliveries.push(delivery);
    if (!webhook.valid) {
      delivery.outcome = 'skipped';
      this.options.onChange();
      return delivery;
    }
    const delay = this.options.shuffleMs > 0 ? Math.floor(this.options.random() * this.options.shuffleMs) : 0;
    this.schedule(delay, () => this.attempt(webhook, delivery));
    return delivery;
  }

  /** Resolves once no delivery attempt is running or waiting (retries included). */
  settled(): Promise<void> {
    if (this.inFlight === 0 && this.timers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(delayMs: number, run: () => Promise<void>): void {
    if (this.closed) return;
    const timer = this.options.scheduler.setTimeout(() => {
      this.timers.delete(timer);
      this.inFlight++;
      void run().finally(() => {
        this.inFlight--;
        this.checkIdle();
      });
    }, delayMs);
    this.timers.add(timer);
  }

  private checkIdle(): void {
    if (this.inFlight !== 0 || this.timers.size !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async attempt(webhook: SandboxWebhook, delivery: OutboundDelivery): Promise<void> {
    if (!webhook.valid || !this.state.webhooks.has(webhook.id)) {
      delivery.outcome = 'skipped';
      this.options.onChange();
      return;
    }
    const at = this.options.clock.now();
    const res = await send(webhook.url, {
      method: 'POST',
      headers: signDelivery(delivery.body, this.options.consumerSecret),
      body: delivery.body,
      timeoutMs: this.options.timeoutMs,
    });
    delivery.attempts.push({
      at,
      latencyMs: res.latencyMs,
      ...(res.status !== undefined ? { status: res.status } : {}),
      ...(res.error ? { error: res.error } : {}),
    });
    if (res.status === 200) {
      delivery.outcome = 'delivered';
      if (!delivery.duplicateOf && this.options.duplicates > 0 && this.options.random() < this.options.duplicates) {
        this.deliver(webhook.id, delivery.body, {
          kind: delivery.kind,
          eventType: delivery.eventType,
          eventUuid: delivery.eventUuid,
          duplicateOf: delivery.id,
        });
      }
    } else {
      const retryDelay = this.options.retryDelaysMs[delivery.attempts.length - 1];
      if (retryDelay === undefined) delivery.outcome = 'failed';
      else this.schedule(retryDelay, () => this.attempt(webhook, delivery));
    }
    this.options.onChange();
  }

  /**
   * A replay job: re-sends every event delivered or attempted to the webhook in [from, to), then
   * posts `replay_job_status` once those deliveries have finished.
   */
  replay(webhookId: string, fromMs: number, toMs: number): { jobId: string; createdAt: string } {
    const now = this.options.clock.now();
    const jobId = nextId(this.state, now);
    const originals = this.state.deliveries.filter(
      (d) =>
        d.webhookId === webhookId &&
        !d.duplicateOf &&
        !d.replayJobId &&
        d.kind !== 'replay_job_status' &&
        d.createdAt >= fromMs &&
        d.createdAt < toMs,
    );
    const copies = originals.map((d) =>
      this.deliver(webhookId, d.body, { kind: d.kind, eventType: d.eventType, eventUuid: d.eventUuid, replayJobId: jobId }),
    );
    const finished = () => copies.every((c) => c?.outcome !== 'pending');
    const report = () => {
      const complete = copies.every((c) => c?.outcome === 'delivered');
      const status = {
        replay_job_status: {
          webhook_id: webhookId,
          job_state: complete ? 'Complete' : 'Incomplete',
          job_state_description: complete ? `Replayed ${copies.length} event(s)` : 'Some events could not be delivered',
          job_id: jobId,
        },
      };
      this.deliver(webhookId, JSON.stringify(status), { kind: 'replay_job_status', replayJobId: jobId });
    };
    const poll = (): void => {
      if (finished()) report();
      else this.schedule(20, async () => poll());
    };
    poll();
    return { jobId, createdAt: new Date(now).toISOString() };
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) this.options.scheduler.clear(t);
    this.timers.clear();
    this.checkIdle();
  }
}

// The sandbox's own control routes under /_sandbox (not X's): status, deliveries and `emit`, used by
// `xcli sandbox status|deliveries|emit`. They take the sandbox's app bearer token.
import type { SandboxApp } from '../app.js';
import { emitActivity } from '../events.js';
import { invalidRequest } from '../problems.js';
import { sampleEvent } from '../samples.js';
import { findUserByUsername, type OutboundDelivery } from '../store.js';

const ADMIN = { auth: ['bearer'] as const };

export function deliverySummary(d: OutboundDelivery): Record<string, unknown> {
  return {
    id: d.id,
    webhook_id: d.webhookId,
    kind: d.kind,
    event_type: d.eventType ?? null,
    event_uuid: d.eventUuid ?? null,
    created_at: new Date(d.createdAt).toISOString(),
    outcome: d.outcome,
    attempts: d.attempts.map((a) => ({
      at: new Date(a.at).toISOString(),
      status: a.status ?? null,
      error: a.error ?? null,
      latency_ms: a.latencyMs,
    })),
    ...(d.duplicateOf ? { duplicate_of: d.duplicateOf } : {}),
    ...(d.replayJobId ? { replay_job_id: d.replayJobId } : {}),
  };
}

export function registerAdminRoutes(app: SandboxApp): void {
  const { state } = app;

  app.route(
    'GET',
    '/_sandbox/status',
    () => {
      const counts = { delivered: 0, failed: 0, pending: 0, skipped: 0 };
      for (const d of state.deliveries) counts[d.outcome]++;
      return {
        status: 200,
        json: {
          data: {
            url: app.url(),
            authenticated_user: state.users.get(state.authenticatedUserId),
            users: state.users.size,
            posts: state.posts.size,
            webhooks: [...state.webhooks.values()].map(({ id, url, valid, created_at }) => ({ id, url, valid, created_at })),
            activity_subscriptions: [...state.activitySubscriptions.values()],
            account_activity_subscriptions: [...state.accountActivitySubscriptions].map(([webhook_id, users]) => ({
              webhook_id,
              user_ids: [...users],
            })),
            deliveries: { total: state.deliveries.length, ...counts },
          },
        },
      };
    },
    ADMIN,
  );

  app.route(
    'GET',
    '/_sandbox/deliveries',
    (req) => {
      const webhook = req.query.get('webhook_id');
      const list = state.deliveries.filter((d) => !webhook || d.webhookId === webhook);
      return { status: 200, json: { data: list.map(deliverySummary), meta: { result_count: list.length } } };
    },
    ADMIN,
  );

  app.route(
    'POST',
    '/_sandbox/emit',
    (req) => {
      const body = (req.json ?? {}) as { event_type?: unknown; user?: unknown; set?: unknown };
      if (typeof body.event_type !== 'string') return invalidRequest('`event_type` is required');
      const who = typeof body.user === 'string' ? body.user : state.authenticatedUserId;
      const user = /^\d+$/.test(who) ? state.users.get(who) : findUserByUsername(state, who);
      if (!user)
        return invalidRequest(
          `no sandbox user '${who}' (known: ${[...state.users.values()].map((u) => `@${u.username}`).join(', ')})`,
        );
      const sets = Array.isArray(body.set)
        ? (body.set as unknown[]).filter(
            (p): p is [string, string] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string',
          )
        : [];
      let input;
      try {
        input = sampleEvent(state, body.event_type, user, sets, app.now());
      } catch (err) {
        return invalidRequest((err as Error).message);
      }
      const envelopes = emitActivity(app, body.event_type, input);
      app.changed();
      return {
        status: 200,
        json: {
          data: {
            event_type: body.event_type,
            user_id: user.id,
            payload: input.payload,
            matched_subscriptions: envelopes.length,
            envelopes,
          },
        },
      };
    },
    ADMIN,
  );
}

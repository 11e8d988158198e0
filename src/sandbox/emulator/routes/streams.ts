// Streaming GETs: the sample stream, the filtered (search) stream and the X Activity stream.
import type { SandboxApp } from '../app.js';
import { invalidRequest } from '../problems.js';
import { postIncludes, postView } from '../views.js';

export function registerStreamRoutes(app: SandboxApp): void {
  const { state } = app;

  // The sample stream starts with the posts the sandbox has (oldest first), then follows new ones.
  app.route('GET', '/2/tweets/sample/stream', (req) => {
    const stream = app.streams.open(req, 'sample');
    for (const post of state.posts.values()) {
      const includes = postIncludes(app, [post], req.query);
      if (!stream.send({ data: postView(app, post, req.query), ...(includes ? { includes } : {}) })) break;
    }
    return 'streamed';
  });

  app.route('GET', '/2/tweets/search/stream', (req) => {
    app.streams.open(req, 'search');
    return 'streamed';
  });

  app.route('GET', '/2/activity/stream', (req) => {
    const raw = req.query.get('backfill_minutes');
    const backfill = raw === null ? 0 : Number(raw);
    if (!Number.isInteger(backfill) || backfill < 0 || backfill > 5) {
      return invalidRequest(`The \`backfill_minutes\` query parameter value [${raw}] is not between 0 and 5`, {
        parameters: { backfill_minutes: [raw] },
      });
    }
    const stream = app.streams.open(req, 'activity');
    const since = app.now() - backfill * 60_000;
    if (backfill > 0) for (const record of app.streams.recordsSince(since)) stream.send(record);
    return 'streamed';
  });
}

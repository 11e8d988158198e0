// The fake X API (the built sandbox, dist/sandbox) set up for benchmarks, plus the environment a
// child xcli needs to talk to it with no stored app.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const distSandbox = new URL('../../dist/sandbox/index.js', import.meta.url);

/** Post 20 ("just setting up my twttr"), the post of `xcli /2/tweets/20`. */
export const POST_20 = {
  id: '20',
  text: 'just setting up my twttr',
  author_id: '12',
  created_at: '2006-03-21T20:50:14.000Z',
  conversation_id: '20',
  edit_history_tweet_ids: ['20'],
};

/** Makes `count` new users follow `userId`, so `/2/users/:id/followers?max_results=1` has `count` pages. */
export function addFollowers(state, userId, count) {
  for (let i = 0; i < count; i++) {
    const id = String(4_000_000_000 + i);
    state.users.set(id, {
      id,
      username: `bench_${i}`,
      name: `Bench ${i}`,
      description: '',
      created_at: '2020-01-01T00:00:00.000Z',
      protected: false,
      verified: false,
    });
    state.follows.set(id, new Set([userId]));
  }
}

/**
 * The fake's environment with the bearer token as the only credential, so xcli sends what a bare
 * baseline sends (with OAuth 1.0a credentials too, xcli would sign each request instead).
 */
export function bearerOnly(fakeEnv) {
  const { X_CONSUMER_KEY, X_CONSUMER_SECRET, X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET, ...rest } = fakeEnv;
  return rest;
}

export async function startFake() {
  const { startSandbox } = await import(distSandbox.href);
  // Rate limits would end the 100-page runs early; the bench measures speed, not limits.
  const sandbox = await startSandbox({ defaultRateLimit: 1e9 });
  sandbox.state.posts.set(POST_20.id, { ...POST_20 });
  // The sandbox records every request with its body; the bench never reads them, and a 500 MB
  // upload would otherwise stay in this process's memory.
  const trim = setInterval(() => {
    sandbox.requests.length = 0;
    sandbox.unmatched.length = 0;
  }, 100);
  trim.unref();
  const configDir = mkdtempSync(join(tmpdir(), 'xcli-bench-'));
  const c = sandbox.credentials;
  return {
    sandbox,
    url: sandbox.url,
    configDir,
    /** Bearer plus OAuth 1.0a credentials, as environment variables. */
    env: {
      XCLI_CONFIG_DIR: configDir,
      XCLI_API_BASE_URL: sandbox.url,
      X_BEARER_TOKEN: c.bearerToken,
      X_CONSUMER_KEY: c.consumerKey,
      X_CONSUMER_SECRET: c.consumerSecret,
      X_ACCESS_TOKEN: c.accessToken,
      X_ACCESS_TOKEN_SECRET: c.accessTokenSecret,
    },
    async close() {
      clearInterval(trim);
      await sandbox.close();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

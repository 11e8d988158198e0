// `webhook trigger` delivers as X does (issue 16 item 8): X's headers byte for byte, samples with
// lossless ids and the documented shapes.
import { describe, expect, it } from 'vitest';
import { signBody } from '../../src/webhook/signature.js';
import { runCli } from '../helpers/run-cli.js';
import { SECRET, startApp, type TestApp } from './helpers.js';
import { cleanupAfterEach } from '../helpers/cleanups.js';

const { defer, configDir } = cleanupAfterEach();
function env(): Record<string, string> {
  return { XCLI_CONFIG_DIR: configDir(), X_CONSUMER_SECRET: SECRET };
}
async function app(): Promise<TestApp> {
  // Like Twitter's own webhook helper: a delivery counts only with exactly X's content type.
  const a = await startApp((req, _body, res) => {
    res.statusCode = req.headers['content-type'] === 'application/json' ? 200 : 415;
    res.end();
  });
  defer(() => a.close());
  return a;
}

describe('webhook trigger', () => {
  it("sends X's headers byte for byte: content type application/json, an empty user agent, the signature", async () => {
    const target = await app();
    const sent = await runCli(['webhook', 'trigger', 'post.create', '--to', `${target.url}/x`], { env: env() });
    expect(sent.code, sent.stderr).toBe(0);
    const [request] = target.requests;
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toBe('');
    expect(request!.headers['x-twitter-webhooks-signature']).toBe(signBody(SECRET, request!.body));
    expect(
      Object.keys(request!.headers)
        .filter((h) => !['host', 'connection', 'content-length'].includes(h))
        .sort(),
    ).toEqual(['content-type', 'user-agent', 'x-twitter-webhooks-signature']);
  });

  it('keeps numeric X ids lossless: every "id" has the digits of its "id_str"', async () => {
    for (const type of ['favorite_events', 'tweet_create_events', 'direct_message_events', 'follow_events']) {
      const printed = await runCli(['webhook', 'trigger', type, '--print'], { env: env() });
      expect(printed.code, printed.stderr).toBe(0);
      const pairs = [...printed.stdout.matchAll(/"id":(\d+),"id_str":"(\d+)"/g)];
      expect(pairs.length, type).toBeGreaterThan(0);
      for (const [, id, idStr] of pairs) expect(id).toBe(idStr);
    }
  });

  it('follows the documented shapes: profile.update.* before and after are strings', async () => {
    for (const type of ['profile.update.bio', 'profile.update.screenname']) {
      const printed = await runCli(['webhook', 'trigger', type, '--print'], { env: env() });
      const { payload } = JSON.parse(printed.stdout).data;
      expect(typeof payload.before, type).toBe('string');
      expect(typeof payload.after, type).toBe('string');
      expect(payload.before).not.toBe(payload.after);
    }
  });
});

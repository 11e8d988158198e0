import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import { testIO } from '../../src/io.js';
import { launchSandbox } from '../../src/sandbox/command/cli.js';
import { ManualScheduler } from '../../src/sandbox/emulator/clock.js';
import {
  addPost,
  createState,
  edges,
  generateCredentials,
  XDEVELOPERS_ID,
  type OutboundDelivery,
} from '../../src/sandbox/emulator/index.js';
import { readStateFile, writeStateFile } from '../../src/sandbox/emulator/persist.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A folder removed after the test. */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xcli-sandbox-state-'));
  dirs.push(dir);
  return dir;
}

const delivery = (outcome: OutboundDelivery['outcome']): OutboundDelivery => ({
  id: '9',
  webhookId: '7',
  kind: 'activity',
  body: '{}',
  createdAt: 1,
  attempts: [],
  outcome,
});

describe('sandbox state file', () => {
  it('round-trips users, posts, graph, webhooks, subscriptions, tokens and deliveries', () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    const state = createState(Date.now());
    const credentials = generateCredentials();
    const post = addPost(state, { author_id: XDEVELOPERS_ID, text: 'kept' });
    edges(state.likes, state.authenticatedUserId).add(post.id);
    state.webhooks.set('7', { id: '7', url: 'http://127.0.0.1:1/w', valid: false, created_at: new Date().toISOString() });
    edges(state.accountActivitySubscriptions, '7').add(state.authenticatedUserId);
    state.streamWebhooks.set('7', { created_at: 'now', fields: ['expansions=author_id'] });
    state.oauth2.access.set('tok', { userId: '1', clientId: 'c', scopes: ['tweet.read'], expiresAt: 1, family: 'f' });
    state.deliveries.push(delivery('pending'));

    writeStateFile(file, state, credentials);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const loaded = readStateFile(file)!;
    expect(loaded.credentials).toEqual(credentials);
    expect(loaded.state.posts.get(post.id)).toEqual(post);
    expect(loaded.state.likes.get(state.authenticatedUserId)?.has(post.id)).toBe(true);
    expect(loaded.state.webhooks.get('7')?.valid).toBe(false);
    expect([...loaded.state.accountActivitySubscriptions.get('7')!]).toEqual([state.authenticatedUserId]);
    expect(loaded.state.streamWebhooks.get('7')?.fields).toEqual(['expansions=author_id']);
    expect(loaded.state.oauth2.access.get('tok')?.family).toBe('f');
    expect(loaded.state.lastId).toBe(state.lastId);
    // A delivery cut off by shutdown is not silently left pending.
    expect(loaded.state.deliveries[0]!.outcome).toBe('failed');
  });

  it('keeps every field of the store: the state read back equals the state saved', () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    const state = createState(Date.now());
    const me = state.authenticatedUserId;
    const post = addPost(state, { author_id: me, text: 'a poll', poll: { options: ['a', 'b'], duration_minutes: 5 } });
    for (const graph of [state.follows, state.retweets, state.bookmarks, state.blocks, state.mutes] as const)
      edges(graph, me).add(XDEVELOPERS_ID);
    state.lists.set('5', {
      id: '5',
      name: 'l',
      description: '',
      private: false,
      owner_id: me,
      created_at: 'c',
      member_ids: [me],
    });
    edges(state.listFollows, me).add('5');
    state.media.set('6', { id: '6', media_key: '3_6', state: 'succeeded', created_at: 'c' });
    state.streamRules.set('8', { id: '8', value: 'from:jack', tag: 't' });
    state.activitySubscriptions.set('4', {
      subscription_id: '4',
      event_type: 'post.create',
      filter: { user_id: me },
      created_at: 'c',
      updated_at: 'c',
    });
    state.dmEvents.push({
      id: '3',
      event_type: 'MessageCreate',
      text: 'hi',
      sender_id: me,
      dm_conversation_id: 'd',
      created_at: 'c',
    });
    state.oauth2.refresh.set('r', { userId: me, clientId: 'c', scopes: ['offline.access'], family: 'f' });
    state.deliveries.push(delivery('delivered'));
    state.authenticatedUserId = XDEVELOPERS_ID;
    writeStateFile(file, state, generateCredentials());
    expect(readStateFile(file)!.state).toEqual(state);
    expect(readStateFile(file)!.state.posts.get(post.id)?.poll?.options).toHaveLength(2);
  });

  it('saves a change once the save delay has passed on the injected scheduler, and on stop', async () => {
    const dir = tempDir();
    const stateFile = join(dir, 'state.json');
    const scheduler = new ManualScheduler();
    const ctx = createContext(testIO(), { XCLI_CONFIG_DIR: dir }, '0.0.0-test');
    const launched = await launchSandbox(ctx, { stateFile, scheduler, log: () => {} });
    const saved = () => JSON.parse(readFileSync(stateFile, 'utf8')) as { streamRules: unknown[] };
    const addRule = (value: string) =>
      fetch(`${launched.sandbox.url}/2/tweets/search/stream/rules`, {
        method: 'POST',
        headers: { authorization: `Bearer ${launched.sandbox.credentials.bearerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ add: [{ value }] }),
      });
    expect(saved().streamRules).toEqual([]);
    expect((await addRule('from:jack')).status).toBe(200);
    scheduler.advance(199);
    expect(saved().streamRules).toEqual([]);
    scheduler.advance(1);
    expect(saved().streamRules).toHaveLength(1);
    expect((await addRule('from:XDevelopers')).status).toBe(200);
    await launched.stop();
    expect(saved().streamRules).toHaveLength(2);
  });

  it('is undefined for a missing file and refuses foreign JSON', () => {
    const dir = tempDir();
    expect(readStateFile(join(dir, 'none.json'))).toBeUndefined();
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"apps":{}}');
    expect(() => readStateFile(other)).toThrow(/is not a sandbox state file/);
    expect(() => readStateFile(dir)).toThrow(/cannot read/);
  });
});

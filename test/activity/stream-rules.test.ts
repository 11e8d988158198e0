import { beforeEach, describe, expect, it } from 'vitest';
import { type Fake, useFake } from './helpers.js';

let fake: Fake;
let webhookId: string;

useFake((f, id) => {
  fake = f;
  webhookId = id;
}, 'https://example.com/stream');
beforeEach(() => {
  fake.sandbox.state.streamRules.clear();
  fake.sandbox.state.streamWebhooks.clear();
  fake.sandbox.requests.length = 0;
});

const RULES = '/2/tweets/search/stream/rules';

describe('stream rules', () => {
  it('add posts {add:[{value,tag}]}; --dry-run adds ?dry_run=true and keeps the rule set unchanged', async () => {
    const dry = await fake.run(['stream', 'rules', 'add', 'from:XDevelopers -is:retweet', '--tag', 'devs', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    const [first] = fake.sent(RULES);
    expect(first).toMatchObject({ method: 'POST', query: { dry_run: 'true' } });
    expect(JSON.parse(first!.body)).toEqual({ add: [{ value: 'from:XDevelopers -is:retweet', tag: 'devs' }] });
    expect(JSON.parse(dry.stdout).meta.summary).toMatchObject({ created: 1, valid: 1 });
    expect(fake.sandbox.state.streamRules.size).toBe(0);

    const real = await fake.runTTY([
      'stream',
      'rules',
      'add',
      'from:XDevelopers -is:retweet',
      'cats has:images',
      '--tag',
      'devs',
    ]);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/^ID +TAG +VALUE$/m);
    expect(real.stdout).toMatch(/^\d+ +devs +cats has:images$/m);
    expect(real.stderr).toMatch(/created 2/);
    expect(fake.sandbox.state.streamRules.size).toBe(2);

    const list = await fake.run(['stream', 'rules', 'list']);
    expect(JSON.parse(list.stdout).data.map((r: { value: string }) => r.value)).toEqual([
      'from:XDevelopers -is:retweet',
      'cats has:images',
    ]);
    expect(fake.sent(RULES).at(-1)).toMatchObject({ method: 'GET' });
  });

  it("reports X's per-rule refusals (duplicate, syntax) and exits 1", async () => {
    await fake.run(['stream', 'rules', 'add', 'dogs']);
    const r = await fake.run(['stream', 'rules', 'add', 'dogs', '(unbalanced']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^xcli: 'dogs': DuplicateRule/m);
    expect(r.stderr).toMatch(/^xcli: '\(unbalanced': UnprocessableEntity: Rules must have balanced parentheses/m);
  });

  it('delete posts {delete:{ids}}, with --dry-run, and refuses non-ids before sending', async () => {
    await fake.run(['stream', 'rules', 'add', 'dogs']);
    const [id] = fake.sandbox.state.streamRules.keys();
    fake.sandbox.requests.length = 0;
    const dry = await fake.runTTY(['stream', 'rules', 'delete', id!, '--dry-run']);
    expect(dry.stdout).toMatch(/^dry run \(nothing changed\): deleted 1, not_deleted 0$/m);
    expect(fake.sandbox.state.streamRules.size).toBe(1);
    const r = await fake.run(['stream', 'rules', 'delete', id!]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(fake.sent(RULES).at(-1)!.body)).toEqual({ delete: { ids: [id] } });
    expect(fake.sandbox.state.streamRules.size).toBe(0);
    fake.sandbox.requests.length = 0;
    const bad = await fake.run(['stream', 'rules', 'delete', 'dogs']);
    expect(bad.code).toBe(2);
    expect(fake.sandbox.requests).toHaveLength(0);
  });
});

describe('stream webhooks', () => {
  it('link (with expansions and fields), list and unlink', async () => {
    const link = await fake.run([
      'stream',
      'webhooks',
      'link',
      webhookId,
      '--expansions',
      'author_id',
      '--user-fields',
      'username',
    ]);
    expect(link.code, link.stderr).toBe(0);
    expect(fake.sent('/2/tweets/search/webhooks').at(-1)).toMatchObject({
      method: 'POST',
      path: `/2/tweets/search/webhooks/${webhookId}`,
      query: { expansions: 'author_id', 'user.fields': 'username' },
      authKind: 'bearer',
    });
    expect(JSON.parse(link.stdout)).toEqual({ data: { provisioned: true } });

    const list = await fake.runTTY(['stream', 'webhooks', 'list']);
    expect(list.stdout).toMatch(new RegExp(`^${webhookId} +expansions=author_id,user.fields=username`, 'm'));

    // The quickstart's spelling of the list route answers the same.
    const quick = await fetch(`${fake.sandbox.url}/2/tweets/search/stream/webhooks`, {
      headers: { authorization: `Bearer ${fake.sandbox.credentials.bearerToken}` },
    });
    expect(((await quick.json()) as { data: Array<{ webhook_id: string }> }).data[0]!.webhook_id).toBe(webhookId);

    const unlink = await fake.run(['stream', 'webhooks', 'unlink', webhookId]);
    expect(unlink.code).toBe(0);
    expect(fake.sent('/2/tweets/search/webhooks').at(-1)).toMatchObject({
      method: 'DELETE',
      path: `/2/tweets/search/webhooks/${webhookId}`,
    });
    expect(fake.sandbox.state.streamWebhooks.size).toBe(0);
  });

  it('an unknown webhook is refused by X with WebhookIdInvalid explained', async () => {
    const r = await fake.run(['stream', 'webhooks', 'link', '55']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/WebhookIdInvalid: no webhook with this id/);
  });
});

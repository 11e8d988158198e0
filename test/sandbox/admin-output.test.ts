// `xcli sandbox status` and `deliveries`: a table on a terminal, JSON when piped. In process, so the
// terminal can be simulated; the sandbox is the one `xcli sandbox` launches (saved as app 'sandbox').
// Its timers run on a ManualScheduler: the retry of the first (503) delivery waits until the test
// moves time on, so the two status snapshots cannot straddle it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { createContext } from '../../src/context.js';
import { testIO } from '../../src/io.js';
import { launchSandbox, type LaunchedSandbox } from '../../src/sandbox/command/cli.js';
import { ManualScheduler } from '../../src/sandbox/emulator/clock.js';
import { tempConfigDir } from '../helpers/run-cli.js';
import { startReceiver, type Receiver } from './receiver.js';

const temp = tempConfigDir();
const env = { XCLI_CONFIG_DIR: temp.dir };
const scheduler = new ManualScheduler();
let launched: LaunchedSandbox;
let receiver: Receiver;
let webhookId: string;

async function run(args: string[], tty: boolean): Promise<{ code: number; out: string; err: string }> {
  const io = testIO({ stdoutTTY: tty });
  const code = await main(args, io, env);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  launched = await launchSandbox(createContext(testIO(), env, '0.0.0-test'), {
    log: () => {},
    fastRetries: true,
    scheduler,
  });
  receiver = await startReceiver(launched.sandbox.credentials.consumerSecret);
  const created = await run(
    ['--app', 'sandbox', '-X', 'POST', '/2/webhooks', '-d', JSON.stringify({ url: receiver.url })],
    false,
  );
  webhookId = JSON.parse(created.out).data.id;
  const sub = {
    event_type: 'post.create',
    filter: { user_id: launched.sandbox.state.authenticatedUserId },
    webhook_id: webhookId,
    tag: 'walk',
  };
  expect(
    (await run(['--app', 'sandbox', '-X', 'POST', '/2/activity/subscriptions', '-d', JSON.stringify(sub)], false)).code,
  ).toBe(0);
  receiver.statuses = [503];
  expect((await run(['--app', 'sandbox', 'post', 'shown in the table'], false)).code).toBe(0);
  // The first attempt is due now; once its 503 is in, the engine sets the retry's timer.
  const retrySet = scheduler.nextTimer();
  scheduler.advance(0);
  await retrySet;
  expect(receiver.received).toHaveLength(1);
});

afterAll(async () => {
  await launched.stop();
  await receiver.close();
  temp.cleanup();
});

describe('sandbox status and deliveries output', () => {
  it('status: a summary with tables on a terminal, the JSON object when piped', async () => {
    const tty = await run(['sandbox', 'status'], true);
    expect(tty.code, tty.err).toBe(0);
    expect(tty.out).toContain(`sandbox ${launched.sandbox.url}  acting user @sandbox_dev`);
    expect(tty.out).toMatch(new RegExp(`ID +VALID +URL\\n${webhookId} +true +${receiver.url}`));
    expect(tty.out).toMatch(
      new RegExp(`post\\.create +user_id=${launched.sandbox.state.authenticatedUserId} +${webhookId} +walk`),
    );
    expect(() => JSON.parse(tty.out)).toThrow();

    const piped = await run(['sandbox', 'status'], false);
    const json = JSON.parse(piped.out);
    expect(json.webhooks).toEqual([expect.objectContaining({ id: webhookId, valid: true, url: receiver.url })]);
    expect(json.activity_subscriptions[0]).toMatchObject({ event_type: 'post.create', webhook_id: webhookId });
    expect(JSON.parse((await run(['sandbox', 'status', '--json'], true)).out)).toEqual(json);
  });

  it('deliveries: one row per delivery with every attempt on a terminal, the rows as JSON when piped', async () => {
    // --fast-retries: X's first retry (3 s) comes 30 ms later.
    scheduler.advance(30);
    await launched.sandbox.deliveriesSettled();
    const tty = await run(['sandbox', 'deliveries', '--webhook', webhookId], true);
    expect(tty.code, tty.err).toBe(0);
    const [header, row, ...rest] = tty.out.trimEnd().split('\n');
    expect(header).toMatch(/^TIME +WEBHOOK +EVENT +OUTCOME +ATTEMPTS \(status\/latency\) +EVENT UUID$/);
    expect(row).toMatch(
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +${webhookId} +post\\.create +delivered +503/\\d+ms 200/\\d+ms +-?\\d+$`),
    );
    expect(rest).toEqual([]);

    const piped = JSON.parse((await run(['sandbox', 'deliveries'], false)).out);
    expect(piped).toHaveLength(1);
    expect(piped[0]).toMatchObject({ webhook_id: webhookId, event_type: 'post.create', outcome: 'delivered' });
    expect(piped[0].attempts.map((a: { status: number }) => a.status)).toEqual([503, 200]);
    expect((await run(['sandbox', 'deliveries', '--webhook', '1'], true)).out).toBe('no deliveries yet\n');
  });
});

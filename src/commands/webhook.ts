// `xcli webhook …`: commander wiring only; the work modules load inside each action.
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { WEBHOOK_START_DEFAULTS as D, type WebhookStartOptions } from '../webhook/start-options.js';
import { collect, takesApiOptions } from './common.js';
import { durationSeconds } from '../duration.js';
import { wholeNumber } from '../numbers.js';

const MiB = 1024 * 1024;
const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: MiB, g: 1024 * MiB };

/** A byte count: `1048576`, `64k`, `48m`, `256MiB`, `1G` (binary units). */
function byteSize(min: number, max: number, what: string): (value: string) => number {
  return (value) => {
    const m = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(value.trim());
    if (!m) throw new InvalidArgumentError(`${what} must be a size in bytes, e.g. 65536, 64k, 256MiB`);
    const n = Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!;
    if (n < min || n > max) throw new InvalidArgumentError(`${what} must be between ${min} and ${max} bytes`);
    return n;
  };
}

function checkStartFlags(o: WebhookStartOptions): void {
  if (!o.path.startsWith('/') || /[?#\s]/.test(o.path))
    throw new UsageError(`--path must start with / and hold no query or spaces, got '${o.path}'`);
  if (o.crc === 'passthrough' && !o.forwardTo)
    throw new UsageError('--crc passthrough needs --forward-to URL (the app that answers the CRC)');
  for (const [flag, url] of [
    ['--forward-to', o.forwardTo],
    ['--public-url', o.publicUrl],
  ] as const) {
    if (url === undefined) continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      // reported below
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
      throw new UsageError(`${flag} wants an http(s) URL, got '${url}'`);
  }
  if (o.dedupe !== undefined && !/^rediss?:\/\/[^/\s]/.test(o.dedupe))
    throw new UsageError(`--dedupe wants a redis:// URL, got '${o.dedupe}'`);
  if ((o.replace || o.ephemeral) && !o.register)
    throw new UsageError(`${o.replace ? '--replace' : '--ephemeral'} only makes sense with --register`);
  if (o.register && !o.sandbox && !o.tunnel && !o.publicUrl)
    throw new UsageError('--register needs a public URL: drop --no-tunnel, or pass --public-url URL');
}

/** `--sandbox` registers at the local sandbox only: no other app, no tunnel, nothing at X to replace. */
function checkSandboxFlags(o: WebhookStartOptions, app: string | undefined): void {
  if (app !== undefined && app !== 'sandbox')
    throw new UsageError(
      `--sandbox uses the app 'sandbox' it creates; drop --app ${app} (to use a real X app, run without --sandbox)`,
    );
  const tunnelFlag =
    o.publicUrl !== undefined
      ? '--public-url'
      : o.ngrokDomain !== undefined
        ? '--ngrok-domain'
        : o.tunnelModule !== undefined
          ? '--tunnel-module'
          : undefined;
  if (tunnelFlag) throw new UsageError(`--sandbox needs no tunnel (the sandbox runs on this machine): drop ${tunnelFlag}`);
  if (o.replace || o.ephemeral)
    throw new UsageError(
      `${o.replace ? '--replace' : '--ephemeral'} is for registering at X; --sandbox registers at a sandbox that ends with the server`,
    );
  if (!['127.0.0.1', 'localhost', '::1'].includes(o.host))
    throw new UsageError(`--sandbox serves on a loopback address (127.0.0.1, localhost, ::1), got --host ${o.host}`);
}

/** The options each `webhook` subcommand parses, as its run function receives them. */
export interface WebhookRunners {
  start(o: WebhookStartOptions): Promise<void>;
  list(o: { json: boolean }): Promise<void>;
  create(o: { url: string; json: boolean }): Promise<void>;
  delete(o: { id: string; json: boolean }): Promise<void>;
  validate(o: { id: string; json: boolean }): Promise<void>;
  replay(o: { id: string; from: string; to: string; json: boolean }): Promise<void>;
  crc(o: { token: string }): Promise<void>;
  sign(o: { file?: string }): Promise<void>;
  verify(o: { file?: string; signature: string }): Promise<void>;
  check(o: { url: string; event?: string; json: boolean }): Promise<void>;
  trigger(o: { type?: string; to?: string; overrides: string[]; print: boolean; json: boolean }): Promise<void>;
  events(o: { type?: string; since?: string; json: boolean; follow: boolean }): Promise<void>;
  eventsStats(o: { type?: string; since?: string; json: boolean }): Promise<void>;
  eventsPrune(o: { before: string }): Promise<void>;
  eventsShow(o: { id: string; json: boolean }): Promise<void>;
  replayLocal(o: { id?: string; since?: string; to?: string; json: boolean }): Promise<void>;
}

/** The work modules, loaded only by the command that runs. The API options come from ctx.api. */
export function webhookRunners(ctx: Context): WebhookRunners {
  const admin = (): Promise<typeof import('../webhook/admin.js')> => import('../webhook/admin.js');
  const tools = (): Promise<typeof import('../webhook/tools.js')> => import('../webhook/tools.js');
  const history = (): Promise<typeof import('../webhook/history.js')> => import('../webhook/history.js');
  return {
    start: async (o) => (await import('../webhook/start.js')).runWebhookStart(ctx, o),
    list: async (o) => (await admin()).runList(ctx, ctx.api, o.json),
    create: async (o) => (await admin()).runCreate(ctx, ctx.api, o.url, o.json),
    delete: async (o) => (await admin()).runDelete(ctx, ctx.api, o.id, o.json),
    validate: async (o) => (await admin()).runValidate(ctx, ctx.api, o.id, o.json),
    replay: async (o) => (await admin()).runReplay(ctx, ctx.api, o.id, o.from, o.to, o.json),
    crc: async (o) => (await tools()).runCrc(ctx, o.token, ctx.api.app),
    sign: async (o) => (await tools()).runSign(ctx, o.file, ctx.api.app),
    verify: async (o) => (await tools()).runVerify(ctx, o.signature, o.file, ctx.api.app),
    check: async (o) => (await tools()).runCheck(ctx, o.url, { event: o.event, app: ctx.api.app, json: o.json }),
    trigger: async (o) => {
      if (o.type === undefined) {
        const { sampleTypes } = await import('../webhook/samples.js');
        ctx.io.stdout.write(`${sampleTypes().join('\n')}\n`);
        return;
      }
      await (await tools()).runTrigger(ctx, o.type, {
        to: o.to,
        overrides: o.overrides,
        print: o.print,
        app: ctx.api.app,
        json: o.json,
      });
    },
    events: async (o) => (await history()).runEventsList(ctx, o),
    eventsStats: async (o) => (await history()).runEventsStats(ctx, o),
    eventsPrune: async (o) => (await history()).runEventsPrune(ctx, o.before),
    eventsShow: async (o) => (await history()).runEventsShow(ctx, o.id, { json: o.json }),
    replayLocal: async (o) =>
      (await history()).runReplayLocal(ctx, o.id, { since: o.since, to: o.to, app: ctx.api.app, json: o.json }),
  };
}

export function registerWebhook(program: Command, ctx: Context, run: WebhookRunners = webhookRunners(ctx)): void {
  const webhook = program
    .command('webhook')
    .description('develop against X webhooks: a local server answering CRC, event log, forwarding, triggers')
    .addHelpText(
      'after',
      `
Examples:
  $ xcli webhook start --sandbox                  no account, no tunnel: a local X sends real events
  $ xcli webhook start --register --ephemeral     tunnel, register at X, log events; unregister on exit
  $ xcli webhook start --no-tunnel --forward-to http://localhost:3000/x
  $ xcli webhook trigger post.create              a signed sample event to the running server
  $ xcli webhook check https://example.com/x      act as X: CRC, token, content type, latency
  $ xcli webhook events --type 'post.*' --since 1h`,
    );

  const start = webhook
    .command('start')
    .description('run a local webhook server: answers CRC, verifies signatures, logs every event')
    .addOption(
      new Option('-p, --port <n>', 'port to listen on (0 picks a free one)')
        .default(D.port)
        .argParser(wholeNumber('--port', 0, 65535)),
    )
    .option('--path <path>', 'webhook path', D.path)
    .option('--host <address>', 'address to bind', D.host)
    .option('--require-signature', 'answer 403 to unsigned or wrongly signed events (default: 200 and flag them)')
    .addOption(
      new Option('--max-body <bytes>', 'largest body accepted (413 above)')
        .default(D.maxBody, '1 MiB')
        .argParser(byteSize(1, 1024 * MiB, '--max-body')),
    )
    .option(
      '--previous-secret <secret>',
      'during a secret rotation, also accept events signed with this older consumer secret (repeatable)',
      collect,
    )
    .option('--dedupe <url>', 'share duplicate detection with other instances through Redis, e.g. redis://127.0.0.1:6379')
    .addOption(
      new Option('--max-connections <n>', 'open connections above which new events get 503 (CRC still answered)')
        .default(D.maxConnections)
        .argParser(wholeNumber('--max-connections', 1, 1_000_000)),
    )
    .addOption(
      new Option('--max-body-memory <bytes>', 'request bodies held at once, all connections (503 above)')
        .default(D.maxBodyMemory, '48m')
        .argParser(byteSize(1024, 64 * 1024 * MiB, '--max-body-memory')),
    )
    .addOption(
      new Option('--max-forward-memory <bytes>', 'event bytes waiting for --forward-to (503 above)')
        .default(D.maxForwardMemory, '32m')
        .argParser(byteSize(1024, 64 * 1024 * MiB, '--max-forward-memory')),
    )
    .addOption(
      new Option('--max-log-size <size>', 'rotate the event log at this size, keeping 3 older files')
        .default(D.maxLogSize, '256MiB')
        .argParser(byteSize(MiB, 1024 * 1024 * MiB, '--max-log-size')),
    )
    .addOption(
      new Option('--log-unverified <mode>', 'unverified bodies: head (first 4 KiB, length, SHA-256) or full')
        .choices(['head', 'full'])
        .default(D.logUnverified),
    )
    .option('-o, --output <file>', 'also append every event to FILE (JSONL)')
    .option('-P, --pretty', 'print each event body, pretty')
    .option('-q, --quiet', 'no line per CRC or event')
    .option('--json', 'NDJSON records on stdout (ready, crc, event, forward, error, summary)')
    .option('--events <types>', 'show and forward only these types, e.g. post.*,like.create (all are logged)')
    .option('--forward-to <url>', "relay each event byte for byte (X's headers included) to your app")
    .addOption(
      new Option('--forward-timeout <duration>', 'how long to wait for your app (e.g. 10s)')
        .default(D.forwardTimeout)
        .argParser(durationSeconds('--forward-timeout', 1, 600)),
    )
    .addOption(
      new Option('--crc <mode>', 'who answers the CRC: local, or passthrough to --forward-to (answer checked)')
        .choices(['local', 'passthrough'])
        .default(D.crc),
    )
    .option('--no-tunnel', 'serve locally only (no ngrok)')
    .option('--public-url <url>', 'public URL of a tunnel you run (cloudflared, your own ngrok…)')
    .option('--ngrok-domain <domain>', 'your reserved ngrok domain')
    .option('--tunnel-module <path>', 'a module exporting openTunnel(options) to use instead of ngrok (also XCLI_TUNNEL_MODULE)')
    .option('--register', 'register the public URL at X (POST /2/webhooks, or PUT to re-validate)')
    .option('--replace', 'with --register: delete the existing webhooks when the limit is reached')
    .option('--ephemeral', 'with --register: delete the webhook on exit')
    .option(
      '--subscribe <type:@user>',
      'with --register: an X Activity subscription to this webhook, e.g. post.create:@me (repeatable)',
      collect,
    )
    .option('--sandbox', 'no account, no tunnel: start a local X sandbox in this process, register and subscribe against it');
  // The flags are the options: commander's camelCase names are WebhookStartOptions' fields.
  takesApiOptions(start).action(async (options: WebhookStartOptions) => {
    if (options.sandbox) checkSandboxFlags(options, ctx.api.app);
    checkStartFlags(options);
    await run.start(options);
  });

  const json = (flags: { json?: boolean }): boolean => flags.json === true;

  takesApiOptions(webhook.command('list').description('list the webhooks registered for the app (GET /2/webhooks)'))
    .option('--json', "print X's JSON even on a terminal")
    .action((flags: { json?: boolean }) => run.list({ json: json(flags) }));

  takesApiOptions(
    webhook
      .command('create')
      .argument('<url>', 'public https URL')
      .description('register a webhook URL (X sends a CRC to it first)'),
  )
    .option('--json', "print X's JSON even on a terminal")
    .action((url: string, flags: { json?: boolean }) => run.create({ url, json: json(flags) }));

  takesApiOptions(webhook.command('delete').argument('<id>', 'webhook id').description('delete a webhook'))
    .option('--json', "print X's JSON even on a terminal")
    .action((id: string, flags: { json?: boolean }) => run.delete({ id, json: json(flags) }));

  takesApiOptions(
    webhook
      .command('validate')
      .argument('<id>', 'webhook id')
      .description('make X send a CRC now and re-enable the webhook (PUT)'),
  )
    .option('--json', "print X's JSON even on a terminal")
    .action((id: string, flags: { json?: boolean }) => run.validate({ id, json: json(flags) }));

  takesApiOptions(
    webhook
      .command('replay')
      .argument('<id>', 'webhook id')
      .description('ask X to deliver again the events of a past window (≤ 24 h)'),
  )
    .requiredOption('--from <time>', 'start: yyyymmddhhmm UTC, an ISO time, or a duration ago (90m)')
    .requiredOption('--to <time>', 'end, same forms (at least 10 minutes ago)')
    .option('--json', "print X's JSON even on a terminal")
    .action((id: string, flags: { from: string; to: string; json?: boolean }) =>
      run.replay({ id, from: flags.from, to: flags.to, json: json(flags) }),
    );

  takesApiOptions(webhook.command('crc'), ['app'])
    .argument('<token>', 'the crc_token X sent')
    .description('print the response_token for a CRC token')
    .action((token: string) => run.crc({ token }));

  takesApiOptions(webhook.command('sign'), ['app'])
    .argument('[file]', 'body file, or - for stdin (default)')
    .description('print the x-twitter-webhooks-signature for a body')
    .action((file: string | undefined) => run.sign({ file }));

  takesApiOptions(webhook.command('verify'), ['app'])
    .argument('[file]', 'body file, or - for stdin (default)')
    .description('check a signature against a body (exit 1 when it does not match)')
    .requiredOption('--signature <value>', 'the x-twitter-webhooks-signature value (sha256=…)')
    .action((file: string | undefined, flags: { signature: string }) => run.verify({ file, signature: flags.signature }));

  takesApiOptions(webhook.command('check'), ['app'])
    .argument('<url>', 'a webhook server (yours, or any)')
    .description('act as X against a webhook server: CRC, token, content type, no redirect, latency')
    .option('--event [type]', 'also send a signed sample event and expect 200 (default post.create)')
    .option('--json', 'one JSON object with every check')
    .action((url: string, flags: { event?: string | true; json?: boolean }) =>
      run.check({ url, event: flags.event === true ? 'post.create' : flags.event, json: json(flags) }),
    );

  takesApiOptions(webhook.command('trigger'), ['app'])
    .argument('[type]', 'event type (without one, the known types are listed)')
    .description('send a realistic, correctly signed sample event')
    .option('--to <url>', 'where to send it (default: the running webhook start; needed when none or several run)')
    .option('--override <path=value>', 'set a field, e.g. data.payload.text="hi" (repeatable)', collect)
    .option('--print', 'print the body instead of sending it')
    .option('--json', 'a JSON line with the result')
    .action((type: string | undefined, flags: { to?: string; override?: string[]; print?: boolean; json?: boolean }) =>
      run.trigger({ type, to: flags.to, overrides: flags.override ?? [], print: flags.print === true, json: json(flags) }),
    );

  const events = webhook
    .command('events')
    .description('list the event log (a table on a terminal, JSONL when piped)')
    .option('--type <types>', 'only these types, e.g. post.*,like.create')
    .option('--since <when>', 'only events since a duration ago (10m, 2h, 1d) or a time')
    .option('--json', 'JSONL even on a terminal')
    .option('-f, --follow', 'then keep printing new events as they are logged (Ctrl-C to stop)')
    .option('--stats', 'counts per minute (a sparkline on a terminal) and the top event types, of the last hour or --since')
    .action((flags: { type?: string; since?: string; json?: boolean; follow?: boolean; stats?: boolean }) => {
      if (!flags.stats)
        return run.events({ type: flags.type, since: flags.since, json: json(flags), follow: flags.follow === true });
      if (flags.follow) throw new UsageError('--stats and --follow do not go together');
      return run.eventsStats({ type: flags.type, since: flags.since, json: json(flags) });
    });
  events
    .command('prune')
    .description('delete logged events older than a duration (or a time), in every rotated file')
    .requiredOption('--before <when>', 'drop events received before this: a duration ago (30d, 12h) or a time')
    .action((flags: { before: string }) => run.eventsPrune({ before: flags.before }));
  events
    .command('show')
    .argument('<id>', 'local id, or X event id')
    .description('print one event (its exact body when piped)')
    .option('--json', 'the whole log record')
    .action((id: string, flags: { json?: boolean }) => run.eventsShow({ id, json: json(flags) }));

  takesApiOptions(webhook.command('replay-local'), ['app'])
    .argument('[id]', 'local id or X event id from the log')
    .description('send logged events again, re-signed with the consumer secret')
    .option('--since <when>', 'every event since a duration ago (10m) or a time')
    .option('--to <url>', 'where to send (default: the running webhook start; needed when none or several run)')
    .option('--json', 'a JSON line per event')
    .action((id: string | undefined, flags: { since?: string; to?: string; json?: boolean }) =>
      run.replayLocal({ id, since: flags.since, to: flags.to, json: json(flags) }),
    );
}

// Secrets (issue 7): config and event logs are 0600 in 0700 directories; every command that touches
// credentials, run with -v and with errors forced (401/403/500 from the fake X, a refused refresh,
// an unknown app, bad flags), never prints a stored secret; and credentials never go to a host
// other than the API's unless --auth asks for it.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';
import { runCli, tempConfigDir, type CliResult } from '../helpers/run-cli.js';
import { startApp, type TestApp } from '../webhook/helpers.js';
import { activityBody } from './lib/load.js';
import { SECRET, startQuietServer } from './lib/webhook-child.js';
import { signBody } from '../../src/webhook/signature.js';
import { oauth1Of } from '../../src/sandbox/command/cli.js';

const NGROK_TOKEN = '2abcNGROKsecretAuthtoken_0123456789abcdefghij';

let fake: FakeX;
let temp: ReturnType<typeof tempConfigDir>;
let configFile: string;
let env: Record<string, string>;
let firstAccessToken: string;
/** Every secret value the store has held so far (refreshes rotate the OAuth2 pair). */
const secrets = new Set<string>();

function collectSecrets(): void {
  let data: { apps: Record<string, Record<string, any>>; ngrokAuthtoken?: string };
  try {
    data = JSON.parse(readFileSync(configFile, 'utf8'));
  } catch {
    return;
  }
  if (data.ngrokAuthtoken) secrets.add(data.ngrokAuthtoken);
  for (const app of Object.values(data.apps)) {
    for (const value of [app.bearerToken, app.clientSecret, app.oauth1?.consumerSecret, app.oauth1?.tokenSecret])
      if (value) secrets.add(value);
    if (app.clientId && app.clientSecret) secrets.add(Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64'));
    for (const t of Object.values(app.oauth2Tokens ?? {}) as Array<{ accessToken: string; refreshToken?: string }>) {
      secrets.add(t.accessToken);
      if (t.refreshToken) secrets.add(t.refreshToken);
    }
  }
}

function leaks(r: CliResult, allowedOnStdout: string[] = []): string[] {
  collectSecrets();
  const found: string[] = [];
  for (const s of secrets) {
    if (r.stderr.includes(s)) found.push(`stderr shows ${s.slice(0, 6)}…`);
    if (r.stdout.includes(s) && !allowedOnStdout.includes(s)) found.push(`stdout shows ${s.slice(0, 6)}…`);
  }
  return found;
}

beforeAll(async () => {
  fake = await startFakeX();
  temp = tempConfigDir();
  configFile = join(temp.dir, 'config.json');
  const c = fake.sandbox.credentials;
  const expired = fake.sandbox.mintUserToken();
  mkdirSync(temp.dir, { recursive: true, mode: 0o700 });
  writeFileSync(
    configFile,
    JSON.stringify({
      defaultApp: 'sb',
      ngrokAuthtoken: NGROK_TOKEN,
      apps: {
        sb: {
          clientId: c.clientId,
          clientSecret: c.clientSecret,
          bearerToken: c.bearerToken,
          oauth1: oauth1Of(c),
          // Expired: the first OAuth2 request refreshes it (client secret and refresh token on the wire).
          oauth2Tokens: {
            dev: {
              accessToken: expired.access_token,
              refreshToken: expired.refresh_token,
              expiresAt: Date.now() - 1000,
              scopes: expired.scope.split(' '),
            },
          },
          defaultUser: 'dev',
          apiBaseUrl: fake.url,
        },
        broken: {
          clientId: 'broken-client-id',
          clientSecret: 'brokenClientSecretValue-0123456789',
          bearerToken: 'AAAAbrokenBearerTokenValue0123456789',
          oauth1: {
            consumerKey: 'broken-ck',
            consumerSecret: 'brokenConsumerSecret-0123456789',
            accessToken: '1-brokenAccess',
            tokenSecret: 'brokenTokenSecret-0123456789',
          },
          oauth2Tokens: {
            dev: {
              accessToken: 'brokenAccessTokenValue-0123456789',
              refreshToken: 'brokenRefreshTokenValue-0123456789',
              expiresAt: Date.now() - 1000,
            },
          },
          apiBaseUrl: fake.url,
        },
      },
    }),
    { mode: 0o600 },
  );
  collectSecrets();
  firstAccessToken = expired.access_token;
  env = { XCLI_CONFIG_DIR: temp.dir, XCLI_TOKEN_URL: `${fake.url}/2/oauth2/token` };
});
afterAll(async () => {
  await fake.close();
  temp.cleanup();
});

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

describe('file modes', () => {
  it('the credential store is 0600 in a 0700 directory, also after xcli rewrites it', async () => {
    const dir = tempConfigDir();
    try {
      const r = await runCli(['auth', 'app', '--bearer-token', '-'], {
        env: { XCLI_CONFIG_DIR: dir.dir },
        input: 'AAAAmodeTestBearer\n',
      });
      expect(r.code).toBe(0);
      expect(mode(dir.dir)).toBe('700');
      expect(mode(join(dir.dir, 'config.json'))).toBe('600');
    } finally {
      dir.cleanup();
    }
  });

  it('event logs (events can carry DMs) are 0600 in 0700 directories, the -o copy too', async () => {
    const dir = tempConfigDir();
    const copy = join(dir.dir, 'exports', 'copy.jsonl');
    try {
      const server = await startQuietServer(dir.dir, ['-o', copy]);
      const body = activityBody('mode-1', 1);
      const answer = await fetch(server.url, {
        method: 'POST',
        body,
        headers: { 'x-twitter-webhooks-signature': signBody(SECRET, body) },
      });
      expect(answer.status).toBe(200);
      expect(await server.stop()).toBe(0);
      expect(mode(join(dir.dir, 'events'))).toBe('700');
      expect(mode(join(dir.dir, 'events', 'events.jsonl'))).toBe('600');
      expect(mode(join(dir.dir, 'exports'))).toBe('700');
      expect(mode(copy)).toBe('600');
    } finally {
      dir.cleanup();
    }
  });
});

describe('no secret in any output', () => {
  it('requests, shortcuts, webhook, activity, stream and auth commands with -v and forced errors', async () => {
    const s = fake.sandbox;
    type Step = { argv: string[]; input?: string; before?: () => void; stdoutMayShowToken?: boolean };
    const steps: Step[] = [
      { argv: ['/2/users/me', '-v'] }, // refreshes the expired OAuth2 token
      {
        argv: ['/2/users/me', '-v', '-u', 'dev'],
        before: () =>
          s.failNext('GET', '/2/users/me', {
            status: 401,
            json: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
          }),
      },
      {
        argv: ['/2/webhooks', '-v', '-i'],
        before: () =>
          s.failNext('GET', '/2/webhooks', {
            status: 403,
            json: { title: 'Forbidden', detail: 'forced', type: 'about:blank', status: 403 },
          }),
      },
      {
        argv: ['/2/tweets/20', '--auth', 'oauth1', '-v'],
        before: () => s.failNext('GET', '/2/tweets/:id', { status: 500, body: 'oops' }),
      },
      { argv: ['-X', 'POST', '/2/tweets', '-d', '{"text":"secret test"}', '--auth', 'oauth1', '-v', '-t'] },
      {
        argv: ['/2/tweets/20', '--auth', 'app', '-v', '--retry', '1', '--max-wait', '0'],
        before: () => s.failNext('GET', '/2/tweets/:id', { status: 503, body: 'busy', times: 2 }),
      },
      { argv: ['/2/users/me', '-v', '--app', 'broken'] },
      { argv: ['/2/tweets/20', '-v', '--app', 'broken', '--auth', 'oauth1'] },
      { argv: ['/2/webhooks', '-v', '--app', 'broken'] },
      { argv: ['/2/users/me', '-v', '--app', 'nope'] },
      { argv: ['/2/users/me', '-v', '--auth', 'bogus'] },
      { argv: ['whoami', '-v'] },
      { argv: ['read', '20', '-v'] },
      {
        argv: ['post', 'hello', '-v'],
        before: () =>
          s.failNext('POST', '/2/tweets', {
            status: 403,
            json: { title: 'Forbidden', detail: 'You are not permitted', type: 'about:blank', status: 403 },
          }),
      },
      { argv: ['webhook', 'list', '-v'] },
      { argv: ['webhook', 'create', 'http://127.0.0.1:9/webhook', '-v'] },
      { argv: ['webhook', 'crc', 'helloWorld'] },
      { argv: ['webhook', 'sign', '-'], input: '{"a":1}' },
      { argv: ['webhook', 'crc', 'helloWorld', '--app', 'nope'] },
      { argv: ['webhook', 'start', '--port', '0', '--public-url', 'http://127.0.0.1:9', '--register', '-v'] },
      { argv: ['activity', 'subscriptions', 'list', '-v'] },
      { argv: ['stream', 'rules', 'list', '-v'] },
      { argv: ['auth', 'status'] },
      { argv: ['auth', 'status', '--json'] },
      { argv: ['auth', 'apps', 'list'] },
      { argv: ['auth', 'default'] },
      { argv: ['auth', 'oauth1', '--consumer-key', 'k'] },
      { argv: ['auth', 'app', '--app', 'nope', '--bearer-token', 'x'] },
      { argv: ['token'], stdoutMayShowToken: true },
      { argv: ['token', '--app', 'broken'] },
      { argv: ['/2/users/me', '-v'], before: () => expireStoredToken() },
      {
        argv: ['token'],
        before: () => {
          expireStoredToken();
          s.failNext('POST', '/2/oauth2/token', { status: 500, body: 'token endpoint down' });
        },
      },
    ];
    const problems: string[] = [];
    let traced = 0;
    const run = async (step: Step): Promise<void> => {
      const r = await runCli(step.argv, { env, input: step.input ?? '', timeoutMs: 10_000 });
      const current = step.stdoutMayShowToken ? [r.stdout.trim()] : [];
      for (const leak of leaks(r, current)) problems.push(`${step.argv.join(' ')} (exit ${r.code}): ${leak}`);
      if (/\n\s+at .+:\d+:\d+/.test(r.stderr)) problems.push(`${step.argv.join(' ')}: stack trace`);
      if (/authorization: /i.test(r.stderr)) traced++;
    };
    // Steps that set up a fault or change the store run one by one, in order; the rest together.
    for (const step of steps.filter((st) => st.before || st === steps[0])) {
      step.before?.();
      collectSecrets();
      await run(step);
    }
    await Promise.all(steps.filter((st) => !st.before && st !== steps[0]).map(run));
    expect(problems).toEqual([]);
    expect(traced).toBeGreaterThan(5);
    // The steps reached the secrets: refreshes ran under -v (the stored pair rotated) and -v traced requests.
    const stored = JSON.parse(readFileSync(configFile, 'utf8')) as {
      apps: { sb: { oauth2Tokens: { dev: { accessToken: string } } } };
    };
    expect(stored.apps.sb.oauth2Tokens.dev.accessToken).not.toBe(firstAccessToken);
  }, 60_000);
});

function expireStoredToken(): void {
  const data = JSON.parse(readFileSync(configFile, 'utf8'));
  data.apps.sb.oauth2Tokens.dev.expiresAt = Date.now() - 1000;
  writeFileSync(configFile, JSON.stringify(data), { mode: 0o600 });
}

describe('credentials stay with the API host', () => {
  let other: TestApp;
  beforeAll(async () => {
    other = await startApp(
      (_req, _body, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
    );
  });
  afterAll(() => other.close());

  it('a full URL to another local host or port gets no Authorization header, whatever the route', async () => {
    const port = new URL(other.url).port;
    const targets = [
      `${other.url}/2/users/me`,
      `${other.url}/2/webhooks`,
      `http://localhost:${port}/2/tweets/20`,
      `${other.url}/2/oauth2/token`,
    ];
    const runs = targets.flatMap((target) =>
      [[], ['-u', 'dev'], ['-X', 'POST', '-d', '{"text":"x"}'], ['-v']].map((extra) => [target, ...extra]),
    );
    const results = await Promise.all(runs.map((argv) => runCli(argv, { env })));
    results.forEach((r, i) => {
      expect(r.code, `${runs[i]!.join(' ')}: ${r.stderr}`).toBe(0);
      expect(leaks(r)).toEqual([]);
    });
    expect(other.requests.length).toBe(runs.length);
    for (const seen of other.requests) {
      expect(seen.headers.authorization, seen.url).toBeUndefined();
      const wire = JSON.stringify(seen.headers) + seen.url + seen.body.toString('latin1');
      for (const s of secrets) expect(wire.includes(s), `${seen.url}: a secret went to the other host`).toBe(false);
    }
  });
});

// The fake X API for tests and bench scripts: the sandbox on 127.0.0.1:0 plus the environment a
// child xcli needs to talk to it. No test-framework imports, so plain scripts can use it too.
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/emulator/index.js';

export interface FakeEnvOptions {
  /** X_BEARER_TOKEN */
  bearer?: boolean;
  /** X_CONSUMER_KEY, X_CONSUMER_SECRET, X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET */
  oauth1?: boolean;
  /** X_CLIENT_ID, X_CLIENT_SECRET */
  oauth2Client?: boolean;
  /** All of the above. */
  all?: boolean;
  /** More variables (XCLI_CONFIG_DIR…); undefined values are left out. */
  extra?: Record<string, string | undefined>;
}

export interface FakeX {
  sandbox: Sandbox;
  url: string;
  /**
   * Environment for a child xcli with no stored app: XCLI_API_BASE_URL, XCLI_TOKEN_URL and
   * XCLI_AUTH_URL point at the fake; credentials are added on request.
   */
  env(options?: FakeEnvOptions): Record<string, string>;
  close(): Promise<void>;
}

/** Unknown routes are reported on stderr unless `log` says otherwise: a missing route in the fake should be seen. */
export async function startFakeX(options: SandboxOptions = {}): Promise<FakeX> {
  const sandbox = await startSandbox({ log: (line) => void process.stderr.write(`${line}\n`), ...options });
  const c = sandbox.credentials;
  return {
    sandbox,
    url: sandbox.url,
    env(o = {}) {
      const env: Record<string, string> = {
        XCLI_API_BASE_URL: sandbox.url,
        XCLI_TOKEN_URL: `${sandbox.url}/2/oauth2/token`,
        XCLI_AUTH_URL: `${sandbox.url}/i/oauth2/authorize`,
      };
      if (o.bearer || o.all) env.X_BEARER_TOKEN = c.bearerToken;
      if (o.oauth1 || o.all) {
        Object.assign(env, {
          X_CONSUMER_KEY: c.consumerKey,
          X_CONSUMER_SECRET: c.consumerSecret,
          X_ACCESS_TOKEN: c.accessToken,
          X_ACCESS_TOKEN_SECRET: c.accessTokenSecret,
        });
      }
      if (o.oauth2Client || o.all) Object.assign(env, { X_CLIENT_ID: c.clientId, X_CLIENT_SECRET: c.clientSecret });
      for (const [k, v] of Object.entries(o.extra ?? {})) if (v !== undefined) env[k] = v;
      return env;
    },
    close: () => sandbox.close(),
  };
}

/** Starts the fake, runs `fn`, and closes the fake even when `fn` throws. */
export async function withFakeX<T>(fn: (fake: FakeX) => Promise<T>, options: SandboxOptions = {}): Promise<T> {
  const fake = await startFakeX(options);
  try {
    return await fn(fake);
  } finally {
    await fake.close();
  }
}

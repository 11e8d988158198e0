// Issue 14 item 7: with only the `sandbox` app stored (nobody made it the default), storing a
// credential creates app `default` and makes it the default, as on a fresh store; and the hints
// of the errors on the way name commands that work in that state.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { useConfigDir } from './setup.js';

const config = useConfigDir();
const xcli = (args: string[], input?: string) => runCli(args, { input, env: { XCLI_CONFIG_DIR: config.dir } });
const stored = () =>
  JSON.parse(readFileSync(config.file, 'utf8')) as { defaultApp?: string; apps: Record<string, Record<string, unknown>> };
const SANDBOX_APP = { apiBaseUrl: 'http://127.0.0.1:9', bearerToken: 'sandbox-bearer' };

function onlySandbox(extra: Record<string, unknown> = {}): void {
  mkdirSync(config.dir, { recursive: true, mode: 0o700 });
  writeFileSync(config.file, JSON.stringify({ version: 1, apps: { sandbox: SANDBOX_APP, ...extra } }), { mode: 0o600 });
}

describe('first steps after the sandbox (#14.7)', () => {
  it('auth app creates app default, makes it the default and says so in one line', async () => {
    onlySandbox();
    const r = await xcli(['auth', 'app', '--bearer-token', 'my-bearer']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("Saved the bearer token to app 'default' (created app 'default' and made it the default app).\n");
    expect(stored()).toMatchObject({
      defaultApp: 'default',
      apps: { sandbox: SANDBOX_APP, default: { bearerToken: 'my-bearer' } },
    });
  });

  it('so does auth oauth1, from stdin', async () => {
    onlySandbox();
    const r = await xcli(['auth', 'oauth1', '--consumer-key', 'ck', '--consumer-secret', '-'], 'cs\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Saved the .* to app 'default' \(created app 'default' and made it the default app\)\.\n$/);
    expect(stored()).toMatchObject({
      defaultApp: 'default',
      apps: { default: { oauth1: { consumerKey: 'ck', consumerSecret: 'cs' } } },
    });
  });

  it('an existing app called default that is not the default becomes it', async () => {
    onlySandbox({ default: { clientId: 'cid' } });
    const r = await xcli(['auth', 'app', 'my-bearer']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("Saved the bearer token to app 'default' (made app 'default' the default app).\n");
    expect(stored()).toMatchObject({ defaultApp: 'default', apps: { default: { clientId: 'cid', bearerToken: 'my-bearer' } } });
  });

  it('the hints of errors in that state name commands that then work', async () => {
    for (const args of [['auth', 'default'], ['/2/users/me'], ['whoami']]) {
      onlySandbox();
      const failed = await xcli(args);
      expect(failed.code, args.join(' ')).toBe(3);
      const hints = [...failed.stderr.matchAll(/'(xcli [^']+)'/g)].map((m) => m[1]!);
      expect(hints.length, failed.stderr).toBeGreaterThan(0);
      for (const hint of hints) {
        const hinted = await xcli(
          hint
            .replace(/^xcli /, '')
            .replace(/\bNAME\b/, 'sandbox')
            .replace(/\bTOKEN\b/, 't')
            .split(' '),
        );
        expect(hinted.code, `'${hint}' after '${args.join(' ')}': ${hinted.stderr}`).toBe(0);
      }
    }
  });
});

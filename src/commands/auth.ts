// `xcli auth …` and `xcli token`: commander wiring only; the work modules load inside each action.
import { Option, type Command } from 'commander';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { collect, lazyRuns, takesApiOptions } from './common.js';
import { durationSeconds } from '../duration.js';

/** One run function per command: src/auth/manage.ts, status.ts (listings) and import-xurl.ts. */
export type AuthRuns = Pick<
  typeof import('../auth/manage.js'),
  | 'runAuthApp'
  | 'runAuthOAuth1'
  | 'runAuthOAuth2'
  | 'runAppsAdd'
  | 'runAppsUpdate'
  | 'runAppsRemove'
  | 'runAuthDefault'
  | 'runAuthClear'
  | 'runAuthNgrok'
  | 'runToken'
> &
  Pick<typeof import('../auth/status.js'), 'runAuthStatus' | 'runAppsList'> &
  Pick<typeof import('../auth/import-xurl.js'), 'runImportXurl'>;

export const authRuns: AuthRuns = lazyRuns(async () => ({
  ...(await import('../auth/manage.js')),
  ...(await import('../auth/status.js')),
  ...(await import('../auth/import-xurl.js')),
}));

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

interface AppFlags {
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  apiBaseUrl?: string;
}

function addAppFieldOptions(cmd: Command): Command {
  return cmd
    .option('--client-id <id>', 'OAuth2 client id (from the app\'s "Keys and tokens" page)')
    .option('--client-secret <secret>', "OAuth2 client secret ('-' reads it from stdin)")
    .option('--redirect-uri <uri>', 'OAuth2 callback URL registered with the app (default http://localhost:8080/callback)')
    .option('--api-base-url <url>', 'API base URL for this app (default $XCLI_API_BASE_URL or https://api.x.com)');
}

export function registerAuth(program: Command, ctx: Context, run: AuthRuns = authRuns): void {
  const auth = program
    .command('auth')
    .description('store and inspect credentials: bearer token, OAuth 1.0a, OAuth2 user login, apps')
    .addHelpText(
      'after',
      examples(
        'xcli auth app --bearer-token "$BEARER"         app-only bearer token',
        'xcli auth apps add work --client-id ID --client-secret -   (secret read from stdin)',
        'xcli auth oauth2                                log in a user in the browser (PKCE)',
        'xcli auth status                                what is stored (no secrets shown)',
      ),
    );

  takesApiOptions(auth.command('app'), ['app'])
    .aliases(['app-only', 'bearer'])
    .description("store an app-only bearer token ('-' reads it from stdin)")
    .argument('[token]', "the bearer token, or '-' to read it from stdin")
    .option('--bearer-token <token>', 'the bearer token (same as the argument)')
    .addHelpText(
      'after',
      examples(
        'xcli auth app --bearer-token "$BEARER"',
        'pass show x/bearer | xcli auth app -',
        'xcli auth app --app work "$BEARER"',
      ),
    )
    .action((token: string | undefined, opts: { bearerToken?: string }) => {
      if (token !== undefined && opts.bearerToken !== undefined)
        throw new UsageError('give the bearer token once: as the argument or with --bearer-token');
      return run.runAuthApp(ctx, { token: token ?? opts.bearerToken });
    });

  takesApiOptions(auth.command('oauth1'), ['app'])
    .description('store OAuth 1.0a keys: consumer key and secret, and the user access token and secret')
    .option('--consumer-key <key>', "API key ('-' reads it from stdin)")
    .option('--consumer-secret <secret>', "API key secret ('-' reads it from stdin)")
    .option('--access-token <token>', "user access token ('-' reads it from stdin)")
    .option('--token-secret <secret>', "user access token secret ('-' reads it from stdin)")
    .addHelpText(
      'after',
      `${examples(
        'xcli auth oauth1 --consumer-key K --consumer-secret - --access-token T --token-secret - < secrets.txt',
        'xcli auth oauth1 --consumer-key K --consumer-secret S      (enough for webhooks)',
      )}Each '-' reads one line from stdin, in the order of the flags above.\n`,
    )
    .action((opts: { consumerKey?: string; consumerSecret?: string; accessToken?: string; tokenSecret?: string }) =>
      run.runAuthOAuth1(ctx, {
        consumerKey: opts.consumerKey,
        consumerSecret: opts.consumerSecret,
        accessToken: opts.accessToken,
        tokenSecret: opts.tokenSecret,
      }),
    );

  takesApiOptions(auth.command('oauth2'), ['app'])
    .description('log a user in with OAuth2 (PKCE) and store the token')
    .argument('[username]', 'label the token with this username (skips the GET /2/users/me lookup)')
    .option('--headless', 'print the URL and read the pasted redirect URL (or code) from stdin')
    .option('--scopes <scopes>', 'scopes to request, space- or comma-separated, repeatable (default: all, as xurl)', collect)
    .option('--timeout <duration>', 'how long to wait for the authorization (e.g. 300, 5m)', durationSeconds('--timeout', 1), 300)
    .addHelpText(
      'after',
      examples(
        'xcli auth oauth2                              browser login; username from /2/users/me',
        'xcli auth oauth2 --headless                   on a server: paste the redirect URL back',
        "xcli auth oauth2 --scopes 'tweet.read users.read offline.access'",
        'xcli auth oauth2 --app work alice',
      ),
    )
    .action((username: string | undefined, opts: { headless?: boolean; scopes?: string[]; timeout: number }) =>
      run.runAuthOAuth2(ctx, { username, headless: opts.headless === true, scopes: opts.scopes, timeoutMs: opts.timeout * 1000 }),
    );

  const apps = auth
    .command('apps')
    .description('add, list, update and remove stored apps')
    .addHelpText(
      'after',
      examples('xcli auth apps add work --client-id ID --client-secret -', 'xcli auth apps list', 'xcli auth apps remove old'),
    );

  addAppFieldOptions(
    apps.command('add').description('add an app (the first app becomes the default)').argument('<name>', 'app name'),
  )
    .addHelpText(
      'after',
      examples('xcli auth apps add work --client-id ID --client-secret - --redirect-uri http://localhost:8080/callback'),
    )
    .action((name: string, opts: AppFlags) => run.runAppsAdd(ctx, { ...opts, name }));

  apps
    .command('list')
    .description('list stored apps (* marks the default)')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('xcli auth apps list', 'xcli auth apps list --json'))
    .action((opts: { json?: boolean }) => run.runAppsList(ctx, opts));

  addAppFieldOptions(
    apps
      .command('update')
      .description("change an app's client id, secret, redirect URI or API base")
      .argument('<name>', 'app name'),
  )
    .addHelpText('after', examples('xcli auth apps update work --redirect-uri http://127.0.0.1:9000/cb'))
    .action((name: string, opts: AppFlags) => run.runAppsUpdate(ctx, { ...opts, name }));

  apps
    .command('remove')
    .description('remove an app and all its credentials')
    .argument('<name>', 'app name')
    .addHelpText('after', examples('xcli auth apps remove old'))
    .action((name: string) => run.runAppsRemove(ctx, { name }));

  auth
    .command('default')
    .description('print or set the default app (and its default OAuth2 user)')
    .argument('[app]', 'app to make the default')
    .argument('[user]', 'OAuth2 user of that app to use when -u is not given')
    .addHelpText(
      'after',
      examples('xcli auth default              prints "APP [USER]"', 'xcli auth default work', 'xcli auth default work alice'),
    )
    .action((app: string | undefined, user: string | undefined) => run.runAuthDefault(ctx, { app, user }));

  auth
    .command('status')
    .description('show apps, which credentials exist, OAuth2 users with expiry and scopes, and env overrides')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('xcli auth status', "xcli auth status --json | jq '.apps[].oauth2Users'"))
    .action((opts: { json?: boolean }) => run.runAuthStatus(ctx, opts));

  takesApiOptions(auth.command('clear'), ['app'])
    .description('remove stored credentials from an app (exactly one of the flags)')
    .option('--all', 'every token of the app (bearer, OAuth 1.0a, OAuth2 users); the app itself stays')
    .option('--oauth1', 'the OAuth 1.0a keys')
    .option('--oauth2-username <user>', "one user's OAuth2 token")
    .option('--bearer', 'the bearer token')
    .addOption(new Option('--app-only', 'the bearer token (xurl spelling)').hideHelp())
    .addHelpText(
      'after',
      examples('xcli auth clear --bearer', 'xcli auth clear --oauth2-username alice', 'xcli auth clear --all --app old'),
    )
    .action((opts: { all?: boolean; oauth1?: boolean; oauth2Username?: string; bearer?: boolean; appOnly?: boolean }) => {
      const chosen = [
        opts.all && ({ all: true } as const),
        opts.oauth1 && ({ oauth1: true } as const),
        opts.oauth2Username !== undefined && { oauth2Username: opts.oauth2Username },
        (opts.bearer || opts.appOnly) && ({ bearer: true } as const),
      ].filter((c) => c !== false && c !== undefined);
      if (chosen.length !== 1) {
        throw new UsageError(
          `${chosen.length === 0 ? 'say what to clear' : 'clear one kind at a time'}: --all, --oauth1, --oauth2-username USER or --bearer`,
        );
      }
      return run.runAuthClear(ctx, { what: chosen[0]! });
    });

  auth
    .command('ngrok')
    .description("store the ngrok authtoken used by 'xcli webhook start' ('-' reads it from stdin)")
    .argument('[token]', "the authtoken, or '-' to read it from stdin")
    .addHelpText(
      'after',
      examples(
        'xcli auth ngrok -  < ngrok-token.txt',
        'NGROK_AUTHTOKEN=… xcli webhook start   (the variable wins over the stored token)',
      ),
    )
    .action((token: string | undefined) => run.runAuthNgrok(ctx, { token }));

  auth
    .command('import-xurl')
    .description("import apps and tokens from xurl's ~/.xurl/auth.yml")
    .option('--file <path>', 'the xurl file to read (default ~/.xurl/auth.yml)')
    .option('--overwrite', 'replace apps that already exist here (otherwise they are skipped)')
    .addHelpText('after', examples('xcli auth import-xurl', 'xcli auth import-xurl --file backup/auth.yml --overwrite'))
    .action((opts: { file?: string; overwrite?: boolean }) =>
      run.runImportXurl(ctx, { file: opts.file, overwrite: opts.overwrite === true }),
    );

  takesApiOptions(program.command('token'), ['app', 'username'])
    .description('print a valid OAuth2 access token (refreshed if needed; never opens a browser)')
    .addHelpText(
      'after',
      examples('curl -H "Authorization: Bearer $(xcli token)" https://api.x.com/2/users/me', 'xcli token -u alice --app work'),
    )
    .action(() => run.runToken(ctx));
}

// The API options every command that calls X shares, resolved once into ctx.api (src/program.ts).

/** `--auth` values as users type them (xurl's names). */
export type AuthFlag = 'app' | 'oauth1' | 'oauth2';

/** Options every command that calls the API accepts (`--app`, `--auth`, `-u`, `-v`, `-t`). */
export interface GlobalOptions {
  app?: string;
  auth?: AuthFlag;
  username?: string;
  verbose?: boolean;
  trace?: boolean;
}

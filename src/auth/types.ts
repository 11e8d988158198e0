// Shapes of the credential store (config.json) and of resolved credentials.

/** Auth kinds as X's OpenAPI names them: BearerToken, OAuth2UserToken, UserToken (OAuth 1.0a). */
export type AuthKind = 'bearer' | 'oauth2' | 'oauth1';

export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken?: string;
  tokenSecret?: string;
}

export interface OAuth2Token {
  accessToken: string;
  refreshToken?: string;
  /** Expiry as epoch milliseconds; absent or 0 means unknown, so the next use refreshes. */
  expiresAt?: number;
  scopes?: string[];
}

export interface AppConfig {
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  bearerToken?: string;
  oauth1?: OAuth1Credentials;
  /** OAuth2 user tokens by username. */
  oauth2Tokens?: Record<string, OAuth2Token>;
  defaultUser?: string;
  /** API base URL for this app (the sandbox sets its own); default https://api.x.com. */
  apiBaseUrl?: string;
}

export interface StoreData {
  /** Format version of config.json. */
  version?: number;
  defaultApp?: string;
  apps: Record<string, AppConfig>;
  ngrokAuthtoken?: string;
}

export interface CredentialStore {
  /** Absolute path of config.json. */
  readonly path: string;
  /** Reads and validates the file; a missing file is an empty store. Throws ConfigFileError, never resets. */
  read(): StoreData;
  /**
   * Locked read-modify-write: re-reads the file under an exclusive lock, applies `change`,
   * and writes atomically (0600) only if `change` returned without throwing.
   */
  update<T>(change: (data: StoreData) => T | Promise<T>): Promise<T>;
}

export type CredentialSource = 'store' | 'env';

/** Credentials chosen for one invocation: the named app merged with environment overrides. */
export interface ResolvedApp {
  /** Name of the app in the store, or undefined when only environment variables supply credentials. */
  name?: string;
  app: AppConfig;
  /** Where each credential came from, for `auth status` and `-v`. */
  sources: Partial<Record<'bearer' | 'oauth1' | 'oauth2Client', CredentialSource>>;
  apiBaseUrl: string;
  /** The stored ngrok authtoken (or NGROK_AUTHTOKEN), carried along so it can be redacted like the rest. */
  ngrokAuthtoken?: string;
}

// The sandbox's OAuth2 authorization server state: codes (PKCE), access and refresh tokens.
import { createHash, randomBytes } from 'node:crypto';

export interface OAuth2Grant {
  userId: string;
  clientId: string;
  scopes: string[];
}

interface PendingCode extends OAuth2Grant {
  redirectUri: string;
  challenge: string;
  method: 'S256' | 'plain';
  expiresAt: number;
}

export interface IssuedAccessToken extends OAuth2Grant {
  expiresAt: number;
  /** Tokens from one authorization share a family; reusing a spent refresh token revokes it. */
  family: string;
}

export interface RefreshGrant extends OAuth2Grant {
  family: string;
}

/** Issued tokens, kept in the sandbox state so `--state FILE` keeps users logged in across restarts. */
export interface TokenTables {
  access: Map<string, IssuedAccessToken>;
  refresh: Map<string, RefreshGrant>;
}

export interface TokenResponse {
  token_type: 'bearer';
  expires_in: number;
  access_token: string;
  scope: string;
  refresh_token?: string;
}

/** Why a token request failed, as X's OAuth2 errors name it (`{"error":…,"error_description":…}`). */
export class OAuth2Error extends Error {
  constructor(
    readonly error:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_grant'
      | 'unauthorized_client'
      | 'unsupported_grant_type'
      | 'invalid_scope',
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

export interface GrantOptions {
  /** Lifetime of access tokens in seconds (X: 7200). */
  accessTokenTtlSeconds: number;
  /** Lifetime of authorization codes in ms (X: 30 s). */
  codeTtlMs: number;
  now: () => number;
}

const token = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export class OAuth2Grants {
  private readonly codes = new Map<string, PendingCode>();
  private readonly access: Map<string, IssuedAccessToken>;
  private readonly refresh: Map<string, RefreshGrant>;
  /** Refresh tokens already used: reusing one revokes its whole family, as X reportedly does. */
  private readonly spentRefresh = new Map<string, string>();
  private readonly revokedFamilies = new Set<string>();

  constructor(
    private readonly options: GrantOptions,
    tables: TokenTables,
  ) {
    this.access = tables.access;
    this.refresh = tables.refresh;
  }

  issueCode(grant: OAuth2Grant, redirectUri: string, challenge: string, method: 'S256' | 'plain'): string {
    const code = token('');
    this.codes.set(code, { ...grant, redirectUri, challenge, method, expiresAt: this.options.now() + this.options.codeTtlMs });
    return code;
  }

  /** authorization_code grant: single use, short-lived, PKCE checked, redirect_uri must match. */
  exchangeCode(code: string, clientId: string, redirectUri: string | null, verifier: string | null): TokenResponse {
    const pending = this.codes.get(code);
    this.codes.delete(code);
    if (!pending) throw new OAuth2Error('invalid_request', 'Value passed for the authorization code was invalid.');
    if (pending.expiresAt < this.options.now())
      throw new OAuth2Error('invalid_request', 'Value passed for the authorization code was invalid.');
    if (pending.clientId !== clientId)
      throw new OAuth2Error('invalid_client', 'Client id does not match the authorization code.');
    if (redirectUri !== pending.redirectUri)
      throw new OAuth2Error(
        'invalid_request',
        'Value passed for the redirect uri did not match the uri of the authorization code.',
      );
    if (!verifier) throw new OAuth2Error('invalid_request', 'Missing required parameter [code_verifier].');
    const computed = pending.method === 'S256' ? s256(verifier) : verifier;
    if (computed !== pending.challenge)
      throw new OAuth2Error('invalid_request', 'Value passed for the code verifier did not match the code challenge.');
    return this.issueTokens(pending, token('family'));
  }

  /** refresh_token grant: rotates; an old refresh token is refused and kills its family. */
  refreshTokens(refreshToken: string, clientId: string): TokenResponse {
    const spentFamily = this.spentRefresh.get(refreshToken);
    if (spentFamily) {
      this.revokeFamily(spentFamily);
      throw new OAuth2Error('invalid_request', 'Value passed for the token was invalid.');
    }
    const grant = this.refresh.get(refreshToken);
    if (!grant) throw new OAuth2Error('invalid_request', 'Value passed for the token was invalid.');
    if (grant.clientId !== clientId) throw new OAuth2Error('invalid_client', 'Client id does not match the refresh token.');
    this.refresh.delete(refreshToken);
    this.spentRefresh.set(refreshToken, grant.family);
    return this.issueTokens(grant, grant.family);
  }

  private issueTokens(grant: OAuth2Grant, family: string): TokenResponse {
    if (this.revokedFamilies.has(family)) throw new OAuth2Error('invalid_request', 'Value passed for the token was invalid.');
    const accessToken = token('');
    const ttl = this.options.accessTokenTtlSeconds;
    this.access.set(accessToken, {
      userId: grant.userId,
      clientId: grant.clientId,
      scopes: grant.scopes,
      expiresAt: this.options.now() + ttl * 1000,
      family,
    });
    const response: TokenResponse = {
      token_type: 'bearer',
      expires_in: ttl,
      access_token: accessToken,
      scope: grant.scopes.join(' '),
    };
    if (grant.scopes.includes('offline.access')) {
      const refreshToken = token('');
      this.refresh.set(refreshToken, { userId: grant.userId, clientId: grant.clientId, scopes: grant.scopes, family });
      response.refresh_token = refreshToken;
    }
    return response;
  }

  private revokeFamily(family: string): void {
    this.revokedFamilies.add(family);
    for (const [t, a] of this.access) if (a.family === family) this.access.delete(t);
    for (const [t, g] of this.refresh) if (g.family === family) this.refresh.delete(t);
  }

  /** The grant behind a live access token; undefined when unknown, revoked or expired. */
  lookup(accessToken: string): IssuedAccessToken | undefined {
    const found = this.access.get(accessToken);
    if (!found || found.expiresAt <= this.options.now()) return undefined;
    return found;
  }

  /** RFC 7009 revoke: access or refresh token; unknown tokens are not an error. */
  revoke(tokenValue: string): void {
    this.access.delete(tokenValue);
    this.refresh.delete(tokenValue);
  }

  /** Mints a user token directly (tests that need OAuth2 without running the browser flow). */
  mint(grant: OAuth2Grant): TokenResponse {
    return this.issueTokens(grant, token('family'));
  }
}

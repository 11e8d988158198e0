import { describe, expect, it } from 'vitest';
import { browserCommand, splitCommand } from '../../src/auth/browser.js';
import {
  buildAuthorizeUrl,
  callbackTarget,
  DEFAULT_SCOPES,
  parsePastedRedirect,
  parseScopes,
} from '../../src/auth/oauth2-flow.js';
import { CredentialsError, UsageError } from '../../src/errors.js';

describe('pasted redirect (headless login)', () => {
  const state = 'state-123';
  it('accepts a full URL, a query string and a bare code, trimming whitespace', () => {
    expect(parsePastedRedirect('  http://localhost:8080/callback?state=state-123&code=abc \n', state)).toBe('abc');
    expect(parsePastedRedirect('?code=abc&state=state-123', state)).toBe('abc');
    expect(parsePastedRedirect('code=abc&state=state-123', state)).toBe('abc');
    expect(parsePastedRedirect('abc', state)).toBe('abc');
  });
  it('accepts a URL without state (as xurl), rejects a foreign state, an empty code and empty input', () => {
    expect(parsePastedRedirect('http://localhost:8080/callback?code=abc', state)).toBe('abc');
    expect(() => parsePastedRedirect('http://localhost:8080/callback?code=abc&state=other', state)).toThrow(CredentialsError);
    expect(() => parsePastedRedirect('code=&state=state-123', state)).toThrow(/no authorization code/);
    expect(() => parsePastedRedirect('   ', state)).toThrow(UsageError);
  });
  it('reports a refusal from the authorization server', () => {
    expect(() => parsePastedRedirect('http://l/cb?error=access_denied&state=state-123', state)).toThrow(
      /not granted: access_denied/,
    );
  });
});

describe('callback target', () => {
  it('binds both loopback addresses for localhost', () => {
    expect(callbackTarget('http://localhost:8080/callback')).toEqual({
      hosts: ['127.0.0.1', '::1'],
      port: 8080,
      path: '/callback',
    });
  });
  it('binds exactly the given address otherwise', () => {
    expect(callbackTarget('http://127.0.0.1:9090/oauth/callback')).toEqual({
      hosts: ['127.0.0.1'],
      port: 9090,
      path: '/oauth/callback',
    });
    expect(callbackTarget('http://[::1]:9090/cb')).toEqual({ hosts: ['::1'], port: 9090, path: '/cb' });
  });
  it('refuses a redirect it cannot receive', () => {
    expect(() => callbackTarget('https://example.com/cb')).toThrow(/not http/);
    expect(() => callbackTarget('nope')).toThrow(/not a valid URL/);
  });
});

describe('authorize URL and scopes', () => {
  it('carries every PKCE parameter', () => {
    const url = buildAuthorizeUrl('https://x.com/i/oauth2/authorize', {
      clientId: 'cid',
      redirectUri: 'http://localhost:8080/callback',
      scopes: ['a.read', 'offline.access'],
      state: 's',
      challenge: 'c',
    });
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: 'http://localhost:8080/callback',
      scope: 'a.read offline.access',
      state: 's',
      code_challenge: 'c',
      code_challenge_method: 'S256',
    });
    expect(url.toString()).toContain('scope=a.read+offline.access');
  });
  it("requests xurl's scopes by default and parses --scopes lists", () => {
    expect(DEFAULT_SCOPES).toContain('broadcast.read');
    expect(DEFAULT_SCOPES).toContain('broadcast.write');
    expect(DEFAULT_SCOPES).toContain('offline.access');
    expect(DEFAULT_SCOPES).toHaveLength(24);
    expect(parseScopes(['tweet.read users.read', 'offline.access,tweet.read'])).toEqual([
      'tweet.read',
      'users.read',
      'offline.access',
    ]);
    expect(() => parseScopes(['tweet.reed'])).toThrow(/unknown scope tweet.reed/);
  });
});

describe('browser command', () => {
  it('runs $BROWSER with the URL as its last argument, honouring quotes', () => {
    expect(browserCommand('http://u/?a=1&b=2', { BROWSER: '"/opt/My Browser/run" --new' })).toEqual([
      '/opt/My Browser/run',
      '--new',
      'http://u/?a=1&b=2',
    ]);
    expect(splitCommand("node 'a b.mjs'")).toEqual(['node', 'a b.mjs']);
  });
  it('uses the platform opener otherwise, keeping the whole URL as one argument on Windows', () => {
    expect(browserCommand('http://u/?a=1&b=2', {}, 'linux')).toEqual(['xdg-open', 'http://u/?a=1&b=2']);
    expect(browserCommand('http://u/', {}, 'darwin')).toEqual(['open', 'http://u/']);
    expect(browserCommand('http://u/?a=1&b=2', {}, 'win32')).toEqual([
      'rundll32',
      'url.dll,FileProtocolHandler',
      'http://u/?a=1&b=2',
    ]);
  });
});

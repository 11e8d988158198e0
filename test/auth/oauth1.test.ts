import { describe, expect, it } from 'vitest';
import { authorizationHeader, hmacSha1, normalizeParameters, percentEncode, signatureBaseString } from '../../src/auth/oauth1.js';

describe('percentEncode (RFC 5849 3.6)', () => {
  it('keeps unreserved characters and encodes everything else as %XX', () => {
    expect(percentEncode('abcXYZ019-._~')).toBe('abcXYZ019-._~');
    expect(percentEncode('a b+c')).toBe('a%20b%2Bc');
    expect(percentEncode("!*'()")).toBe('%21%2A%27%28%29');
    expect(percentEncode('/?=&%')).toBe('%2F%3F%3D%26%25');
    expect(percentEncode('é☃')).toBe('%C3%A9%E2%98%83');
  });
});

describe('signature base string', () => {
  it('matches the RFC 5849 section 3.4.1.1 example (repeated keys, %20, form body, realm excluded)', () => {
    const base = signatureBaseString(
      {
        method: 'post',
        url: 'http://EXAMPLE.COM:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
        form: new URLSearchParams('c2&a3=2+q'),
      },
      {
        realm: 'Example',
        oauth_consumer_key: '9djdj82h48djs9d2',
        oauth_token: 'kkk9d7dh3k39sjv7',
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: '137131201',
        oauth_nonce: '7d8f3e4a',
        oauth_signature: 'ignored',
      },
    );
    expect(base).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it('keeps a non-default port and sorts repeated keys by value', () => {
    const base = signatureBaseString({ method: 'GET', url: 'https://api.x.com:8443/2/x?ids=2&ids=10&ids=1' }, {});
    expect(base).toBe('GET&https%3A%2F%2Fapi.x.com%3A8443%2F2%2Fx&ids%3D1%26ids%3D10%26ids%3D2');
  });

  it('sorts by encoded name, then value', () => {
    expect(
      normalizeParameters([
        ['b', '1'],
        ['a', 'z'],
        ['a', 'y'],
        ['a b', ''],
      ]),
    ).toBe('a=y&a=z&a%20b=&b=1');
  });
});

describe('X\'s published example ("Creating a signature")', () => {
  const req = {
    method: 'POST',
    url: 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true',
    form: new URLSearchParams({ status: 'Hello Ladies + Gentlemen, a signed OAuth request!' }),
  };
  const signer = {
    consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
    consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
    token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
    tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  };
  const nonce = 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg';
  const timestamp = 1318622958;

  it('produces the documented base string and signature', () => {
    const base = signatureBaseString(req, {
      oauth_consumer_key: signer.consumerKey,
      oauth_nonce: nonce,
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: String(timestamp),
      oauth_token: signer.token,
      oauth_version: '1.0',
    });
    expect(base).toBe(
      'POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
    );
    expect(hmacSha1(base, signer.consumerSecret, signer.tokenSecret)).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
  });

  it('builds the Authorization header with every oauth_ value encoded', () => {
    expect(authorizationHeader(req, signer, nonce, timestamp)).toBe(
      'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0"',
    );
  });

  it('changes the signature when the form body changes (form bodies are signed)', () => {
    const other = { ...req, form: new URLSearchParams({ status: 'something else' }) };
    expect(authorizationHeader(other, signer, nonce, timestamp)).not.toContain('hCtSmYh');
  });

  it('treats + in the query as a space and a literal %2B as a plus', () => {
    const plus = signatureBaseString({ method: 'GET', url: 'https://api.x.com/2/tweets/search/recent?query=a+b' }, {});
    const space = signatureBaseString({ method: 'GET', url: 'https://api.x.com/2/tweets/search/recent?query=a%20b' }, {});
    const literal = signatureBaseString({ method: 'GET', url: 'https://api.x.com/2/tweets/search/recent?query=a%2Bb' }, {});
    expect(plus).toBe(space);
    expect(plus).toContain('query%3Da%2520b');
    expect(literal).toContain('query%3Da%252Bb');
  });
});

import { describe, expect, it } from 'vitest';
import { hmacSha1Signature, parseOAuthHeader, rfc3986, signatureBase } from '../../src/sandbox/emulator/oauth1-verify.js';

describe('sandbox OAuth 1.0a verifier', () => {
  it('builds the RFC 5849 §3.4.1 signature base string (repeated keys, form body, encoded query)', () => {
    const header =
      'OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"';
    const base = signatureBase({
      method: 'POST',
      url: 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
      formBody: 'c2&a3=2+q',
      oauthParams: parseOAuthHeader(header)!,
    });
    expect(base).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it("matches X's 'Creating a signature' example", () => {
    const params = new Map([
      ['oauth_consumer_key', 'xvz1evFS4wEEPTGEFPHBog'],
      ['oauth_nonce', 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '1318622958'],
      ['oauth_token', '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb'],
      ['oauth_version', '1.0'],
    ]);
    const base = signatureBase({
      method: 'post',
      url: 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true',
      formBody: 'status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21',
      oauthParams: params,
    });
    expect(base).toBe(
      'POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
    );
    expect(
      hmacSha1Signature(base, 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw', 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE'),
    ).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
  });

  it('percent-encodes per RFC 3986 (spaces as %20, UTF-8 bytes, unreserved kept)', () => {
    expect(rfc3986('a b+c*~')).toBe('a%20b%2Bc%2A~');
    expect(rfc3986('☃')).toBe('%E2%98%83');
  });

  it('drops default ports and lowercases scheme and host', () => {
    const params = new Map([['oauth_nonce', 'n']]);
    expect(signatureBase({ method: 'GET', url: 'HTTP://Example.COM:80/a', oauthParams: params })).toBe(
      'GET&http%3A%2F%2Fexample.com%2Fa&oauth_nonce%3Dn',
    );
    expect(signatureBase({ method: 'GET', url: 'http://127.0.0.1:8080/a', oauthParams: params })).toBe(
      'GET&http%3A%2F%2F127.0.0.1%3A8080%2Fa&oauth_nonce%3Dn',
    );
  });
});

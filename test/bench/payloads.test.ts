import { describe, expect, it } from 'vitest';
import { crcToken, eventBody, signature, streamRecord } from '../../bench/lib/payloads.mjs';
import { classifyEvent } from '../../src/webhook/classify.js';
import { isTokenShaped } from '../../src/webhook/crc.js';
import { verifySignature } from '../../src/webhook/signature.js';

describe('bench payloads', () => {
  it('sends CRC tokens the webhook server agrees to sign', () => {
    const token = crcToken();
    expect(token).toHaveLength(48);
    expect(isTokenShaped(token)).toBe(true);
  });

  it('builds 1 KB post.create events with their own ids, signed as X signs them', () => {
    const a = eventBody();
    const b = eventBody();
    expect(a.length).toBe(1024);
    expect(eventBody(2048).length).toBe(2048);
    expect(() => eventBody(100)).toThrow(/at least/);
    const [ja, jb] = [JSON.parse(a.toString('utf8')), JSON.parse(b.toString('utf8'))];
    expect(ja.data.event_uuid).not.toBe(jb.data.event_uuid);
    expect(classifyEvent(ja)).toMatchObject({ type: 'post.create', eventId: ja.data.event_uuid });
    expect(verifySignature('s3cret', a, signature('s3cret', a))).toBe(true);
    expect(verifySignature('other', a, signature('s3cret', a))).toBe(false);
  });

  it('builds stream lines of exactly the asked size, one JSON record each', () => {
    const line = streamRecord();
    expect(Buffer.byteLength(line)).toBe(1024);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(1023);
    expect(JSON.parse(line).data.id).toBe('1600000000000000001');
  });
});

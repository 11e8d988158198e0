// The fake X API's media and social routes, spoken to directly over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHENTICATED_USER_ID as ME } from '../../src/sandbox/emulator/index.js';
import { startFakeX, type FakeX } from '../helpers/fake-x.js';

const FRIEND = '1849202834569625601';
let fake: FakeX;
let token: string;
let friendToken: string;

beforeAll(async () => {
  fake = await startFakeX();
  token = fake.sandbox.mintUserToken().access_token;
  friendToken = fake.sandbox.mintUserToken({ userId: FRIEND }).access_token;
});
afterAll(() => fake.close());

async function call(method: string, path: string, body?: unknown, as = token, contentType = 'application/json') {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${as}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    json: (await res.json()) as { data?: Record<string, unknown>; errors?: Array<{ message?: string }>; detail?: string },
  };
}

function multipart(segment: string, chunk: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--b\r\nContent-Disposition: form-data; name="segment_index"\r\n\r\n${segment}\r\n--b\r\nContent-Disposition: form-data; name="media"; filename="x"\r\n\r\n`,
    ),
    chunk,
    Buffer.from('\r\n--b--\r\n'),
  ]);
}

describe('media routes', () => {
  it('validates INITIALIZE as X does', async () => {
    expect((await call('POST', '/2/media/upload/initialize', { total_bytes: 10, media_type: 'application/pdf' })).status).toBe(
      400,
    );
    expect((await call('POST', '/2/media/upload/initialize', { total_bytes: -1, media_type: 'image/png' })).status).toBe(400);
    expect((await call('POST', '/2/media/upload/initialize', { total_bytes: 1, media_type: 'image/png', extra: 1 })).status).toBe(
      400,
    );
    expect(
      (
        await call('POST', '/2/media/upload/initialize', {
          total_bytes: 1,
          media_type: 'image/png',
          media_category: 'tweet_audio',
        })
      ).status,
    ).toBe(400);
  });

  it('checks segments at APPEND and FINALIZE, and steps processing on each STATUS', async () => {
    const init = await call('POST', '/2/media/upload/initialize', {
      total_bytes: 6,
      media_type: 'video/mp4',
      media_category: 'tweet_video',
    });
    const id = init.json.data!.id as string;
    expect(init.json.data!.media_key).toBe(`7_${id}`);
    const append = (segment: string, chunk: Buffer) =>
      call('POST', `/2/media/upload/${id}/append`, multipart(segment, chunk), token, 'multipart/form-data; boundary=b');
    expect((await append('1000', Buffer.from('abc'))).status).toBe(400);
    expect((await append('x', Buffer.from('abc'))).status).toBe(400);
    expect((await call('GET', `/2/media/upload?command=STATUS&media_id=${id}`)).status).toBe(400);
    expect((await append('1', Buffer.from('def'))).status).toBe(200);
    const early = await call('POST', `/2/media/upload/${id}/finalize`);
    expect(early.status).toBe(400);
    expect(JSON.stringify(early.json)).toContain('segment 0 of media');
    expect((await append('0', Buffer.from('ab'))).status).toBe(200);
    expect(JSON.stringify((await call('POST', `/2/media/upload/${id}/finalize`)).json)).toContain(
      'segments add up to 5 bytes, not the total_bytes 6',
    );
    expect((await append('0', Buffer.from('abc'))).status).toBe(200);
    // Someone else's upload does not exist for you.
    expect((await call('POST', `/2/media/upload/${id}/finalize`, undefined, friendToken)).status).toBe(400);
    const finalized = await call('POST', `/2/media/upload/${id}/finalize`);
    expect(finalized.json.data).toMatchObject({ id, size: 6, processing_info: { state: 'pending', check_after_secs: 1 } });
    const states = [];
    for (let i = 0; i < 3; i++)
      states.push((await call('GET', `/2/media/upload?command=STATUS&media_id=${id}`)).json.data!.processing_info);
    expect(states.map((s) => (s as { state: string }).state)).toEqual(['in_progress', 'succeeded', 'succeeded']);
  });

  it('takes JSON APPENDs with base64 media too', async () => {
    const { id } = (await call('POST', '/2/media/upload/initialize', { total_bytes: 3, media_type: 'image/png' })).json.data as {
      id: string;
    };
    expect(
      (await call('POST', `/2/media/upload/${id}/append`, { segment_index: 0, media: Buffer.from('png').toString('base64') }))
        .status,
    ).toBe(200);
    const done = await call('POST', `/2/media/upload/${id}/finalize`);
    expect(done.json.data).toMatchObject({ id, size: 3, image: { image_type: 'image/png' } });
    expect(done.json.data!.processing_info).toBeUndefined();
  });
});

describe('social routes', () => {
  it("acts only for the token's own user", async () => {
    expect((await call('POST', `/2/users/${FRIEND}/blocking`, { target_user_id: ME })).status).toBe(403);
    expect((await call('POST', `/2/users/${ME}/blocking`, { target_user_id: ME })).status).toBe(400);
    expect((await call('POST', `/2/users/${ME}/muting`, { target_user_id: 'abc' })).status).toBe(400);
    expect((await call('GET', `/2/users/${FRIEND}/bookmarks`)).status).toBe(403);
  });

  it('lists blocks and mutes, newest first', async () => {
    await call('POST', `/2/users/${ME}/muting`, { target_user_id: '783214' });
    await call('POST', `/2/users/${ME}/muting`, { target_user_id: FRIEND });
    const list = await call('GET', `/2/users/${ME}/muting`);
    expect((list.json.data as unknown as Array<{ id: string }>).map((u) => u.id)).toEqual([FRIEND, '783214']);
  });

  it('keeps DMs between their two participants', async () => {
    const sent = await call('POST', `/2/dm_conversations/with/${FRIEND}/messages`, { text: 'psst' });
    expect(sent.status).toBe(201);
    expect(sent.json.data).toMatchObject({ dm_conversation_id: `${ME}-${FRIEND}` });
    const theirs = await call('GET', '/2/dm_events?dm_event.fields=sender_id', undefined, friendToken);
    expect(theirs.json.data).toEqual([
      { id: sent.json.data!.dm_event_id, event_type: 'MessageCreate', text: 'psst', sender_id: ME },
    ]);
    const stranger = fake.sandbox.mintUserToken({ userId: '783214' }).access_token;
    expect((await call('GET', '/2/dm_events', undefined, stranger)).json.data).toBeUndefined();
    expect((await call('POST', `/2/dm_conversations/with/${FRIEND}/messages`, { text: '' })).status).toBe(400);
  });
});

// Issue 18 item 4: `xcli webhook start --previous-secret OLD` accepts events signed with the old
// secret during a rotation, and still answers the CRC with the current one.
import { afterEach, expect, it } from 'vitest';
import { crcResponse, signBody } from '../../src/webhooks.js';
import { freshSample, sampleBody } from '../../src/webhook/samples.js';
import { SECRET, startServer, type RunningServer } from '../webhook/helpers.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.stop();
  server?.cleanup();
});

it('webhook start --previous-secret: old and current signatures verify, others do not; CRC with the current secret', async () => {
  server = await startServer(['--previous-secret', 'old-one', '--previous-secret', 'older-one', '--require-signature']);
  await server.waitFor((r) => r.type === 'ready');
  expect(await (await fetch(`${server.url}?crc_token=helloWorld`)).json()).toEqual(crcResponse(SECRET, 'helloWorld'));
  const statuses: number[] = [];
  for (const secret of ['older-one', 'old-one', SECRET, 'never-used']) {
    const body = sampleBody(freshSample('post.create')!);
    statuses.push(
      (await fetch(server.url, { method: 'POST', body, headers: { 'x-twitter-webhooks-signature': signBody(secret, body) } }))
        .status,
    );
  }
  expect(statuses).toEqual([200, 200, 200, 403]);
  await server.waitFor((r) => r.type === 'rejected');
  expect(server.records.filter((r) => r.type === 'event').map((r) => r.record.verdict)).toEqual(['valid', 'valid', 'valid']);
});

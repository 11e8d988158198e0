// The HTTP layer in process: terminal output (pretty and coloured), and the API other commands use
// (callApi, ApiError, printApiError, streamApi).
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { createContext } from '../../src/context.js';
import { HttpStatusError } from '../../src/errors.js';
import { ApiError, callApi, printApiError } from '../../src/http/api.js';
import { streamApi } from '../../src/http/stream.js';
import { testIO } from '../../src/io.js';
import { json, SECRETS, useLocalApi } from './local-server.js';

const api = useLocalApi();
let env: Record<string, string>;

beforeEach(async () => {
  env = await api.serve((req, res) => {
    if (req.url.startsWith('/2/webhooks/missing')) {
      return json(res, 404, {
        title: 'Not Found Error',
        detail: 'webhook 1 not found',
        type: 'https://api.x.com/2/problems/resource-not-found',
      });
    }
    if (req.url.startsWith('/2/activity/stream')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"data":{"event_type":"a"}}\r\n\r\n{"data":{"event_type":"b"}}\r\n');
    }
    json(
      res,
      200,
      `{"data":{"id":"12345678901234567890","echo":${JSON.stringify(`${req.method} ${req.url}`)},"body":${JSON.stringify(req.body.toString())}}}`,
    );
  });
});

describe('terminal output', () => {
  it('pretty-prints on a terminal, coloured when colour is allowed', async () => {
    const plain = testIO({ stdoutTTY: true });
    expect(await main(['/2/tweets/20'], plain, env)).toBe(0);
    expect(plain.out()).toBe(
      '{\n  "data": {\n    "id": "12345678901234567890",\n    "echo": "GET /2/tweets/20",\n    "body": ""\n  }\n}\n',
    );
    const coloured = testIO({ stdoutTTY: true, color: true });
    await main(['/2/tweets/20'], coloured, env);
    expect(coloured.out()).toContain('\x1b[1;34m"id"\x1b[0m: \x1b[32m"12345678901234567890"\x1b[0m');
    const forcedRaw = testIO({ stdoutTTY: true });
    await main(['--raw', '/2/tweets/20'], forcedRaw, env);
    expect(forcedRaw.out()).toBe('{"data":{"id":"12345678901234567890","echo":"GET /2/tweets/20","body":""}}');
  });
});

describe('callApi', () => {
  it('sends JSON with the route-chosen auth and returns status, headers, raw bytes and parsed JSON', async () => {
    const ctx = createContext(testIO(), env, '0.0.0-test');
    const result = await callApi<{ data: { echo: string; body: string } }>(
      ctx,
      {},
      { method: 'post', path: '/2/webhooks', json: { url: 'https://example.com/hook' }, query: { a: 1, skip: undefined } },
    );
    expect(result.status).toBe(200);
    expect(result.json!.data.echo).toBe('POST /2/webhooks?a=1');
    expect(result.json!.data.body).toBe('{"url":"https://example.com/hook"}');
    expect(result.raw.toString()).toContain('"id":"12345678901234567890"');
    expect(result.headers['content-type']).toBe('application/json');
    const req = api.server.requests[0]!;
    expect(req.headers.authorization).toBe(`Bearer ${SECRETS.bearer}`);
    expect(req.headers['content-type']).toBe('application/json');
  });

  it('throws ApiError with the one-line summary; printApiError shows it the standard way', async () => {
    const io = testIO();
    const ctx = createContext(io, env, '0.0.0-test');
    const error = await callApi(ctx, { verbose: true }, { method: 'DELETE', path: '/2/webhooks/missing' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError).toBeInstanceOf(HttpStatusError);
    expect([apiError.status, apiError.summary, apiError.problem, apiError.exitCode]).toEqual([
      404,
      '404 Not Found Error: webhook 1 not found',
      'resource-not-found',
      1,
    ]);
    expect(io.err()).toContain('> Authorization: Bearer [redacted]');
    expect(io.err()).not.toContain(SECRETS.bearer);
    const reported = printApiError(ctx, apiError);
    expect(reported.reported).toBe(true);
    expect(io.out()).toBe(apiError.result.raw.toString());
    expect(io.err().endsWith('xcli: 404 Not Found Error: webhook 1 not found\n')).toBe(true);
  });

  it('streamApi hands each record to onRecord and stops at maxRecords', async () => {
    const ctx = createContext(testIO(), env, '0.0.0-test');
    const records: string[] = [];
    const summary = await streamApi(
      ctx,
      {},
      { method: 'GET', path: '/2/activity/stream' },
      { onRecord: (line) => void records.push(line), maxRecords: 2 },
    );
    expect(records).toEqual(['{"data":{"event_type":"a"}}', '{"data":{"event_type":"b"}}']);
    expect(summary).toEqual({ records: 2, reconnects: 0, stopped: 'max-records' });
  });
});

#!/usr/bin/env node
// A stand-in browser for OAuth2 tests (set BROWSER to run it): GETs the authorize URL without
// following the redirect, then GETs the Location (xcli's callback), as a user clicking "Authorize".
// FAKE_BROWSER_LOG, when set, receives one JSON line per visited URL and status; with
// FAKE_BROWSER_PROBE=1 it first logs which loopback addresses accept connections on the callback port.
import { appendFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';

function get(url) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

function accepts(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function log(entry) {
  if (process.env.FAKE_BROWSER_LOG) appendFileSync(process.env.FAKE_BROWSER_LOG, `${JSON.stringify(entry)}\n`);
}

const authorizeUrl = process.argv[process.argv.length - 1];
try {
  const consent = await get(authorizeUrl);
  log({ url: authorizeUrl, status: consent.status, location: consent.location });
  if (consent.status !== 302 || !consent.location) process.exit(1);
  if (process.env.FAKE_BROWSER_PROBE) {
    const port = Number(new URL(consent.location).port);
    log({ probe: { '127.0.0.1': await accepts('127.0.0.1', port), '::1': await accepts('::1', port) } });
  }
  const callback = await get(consent.location);
  log({ url: consent.location, status: callback.status });
  process.exit(callback.status === 200 ? 0 : 1);
} catch (error) {
  log({ error: String(error) });
  process.exit(1);
}

// The non-secret state file: concurrent writers keep each other's entries; a broken file is left alone.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { compactJson } from '../../src/http/json-spans.js';
import { PageMerger } from '../../src/http/merge.js';
import { readStateFile, updateStateFile } from '../../src/http/state-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xcli-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('keeps every entry when writers race', async () => {
  const file = join(dir, 'config', 'state.json');
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => updateStateFile(file, (s) => void (s[`k${i}`] = i))));
  expect(results.every(Boolean)).toBe(true);
  const state = await readStateFile(file);
  expect(Object.keys(state!).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `k${i}`).sort());
});

it('takes over a lock left by a dead process, and gives up on a live one', async () => {
  const file = join(dir, 'state.json');
  mkdirSync(`${file}.lock`);
  const old = new Date(Date.now() - 60_000);
  utimesSync(`${file}.lock`, old, old);
  expect(await updateStateFile(file, (s) => void (s.a = 1))).toBe(true);
  expect(existsSync(`${file}.lock`)).toBe(false);
  mkdirSync(`${file}.lock`);
  expect(await updateStateFile(file, (s) => void (s.b = 1))).toBe(false);
  expect(await readStateFile(file)).toEqual({ a: 1 });
});

it('leaves a file it cannot read untouched', async () => {
  const file = join(dir, 'state.json');
  writeFileSync(file, '{"half": ');
  expect(await readStateFile(file)).toBeUndefined();
  expect(await updateStateFile(file, (s) => void (s.x = 1))).toBe(false);
  expect(readFileSync(file, 'utf8')).toBe('{"half": ');
});

it('compacts and merges JSON without touching tokens', () => {
  expect(compactJson('{ "a\\u0041" : [ 1.50 , -0E+0, "x y\\n" ] }\n')).toBe('{"a\\u0041":[1.50,-0E+0,"x y\\n"]}');
  const merger = new PageMerger();
  merger.add(Buffer.from('{"meta":{"result_count":0}}'));
  expect(merger.text()).toBe('{"data":[],"meta":{"result_count":0}}');
  expect(() => merger.add(Buffer.from('[1]'))).toThrow();
});

import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/auth/store.js';
import { ConfigFileError } from '../../src/errors.js';
import { resolvePaths, type Paths } from '../../src/paths.js';
import { tempConfigDir } from '../helpers/run-cli.js';

const mode = (path: string): number => statSync(path).mode & 0o777;

let temp: ReturnType<typeof tempConfigDir>;
let paths: Paths;
beforeEach(() => {
  temp = tempConfigDir();
  paths = resolvePaths({ XCLI_CONFIG_DIR: temp.dir });
});
afterEach(() => temp.cleanup());

describe('credential store', () => {
  it('reads a missing file as an empty store without creating anything (no invented default app)', () => {
    const data = openStore(paths).read();
    expect(data).toEqual({ apps: {} });
    expect(existsSync(temp.dir)).toBe(false);
  });

  it('creates a 0700 directory and a 0600 file, and leaves no lock behind', async () => {
    const store = openStore(paths);
    await store.update((d) => {
      d.apps.a = { bearerToken: 'tok-aaaaaaaa' };
      d.defaultApp = 'a';
    });
    expect(mode(temp.dir)).toBe(0o700);
    expect(mode(paths.configFile)).toBe(0o600);
    expect(readdirSync(temp.dir)).toEqual(['config.json']);
    expect(JSON.parse(readFileSync(paths.configFile, 'utf8'))).toEqual({
      apps: { a: { bearerToken: 'tok-aaaaaaaa' } },
      defaultApp: 'a',
      version: 1,
    });
    expect(store.read().apps.a?.bearerToken).toBe('tok-aaaaaaaa');
  });

  it('tightens an existing looser directory and file', async () => {
    mkdirSync(temp.dir, { recursive: true, mode: 0o755 });
    chmodSync(temp.dir, 0o755);
    writeFileSync(paths.configFile, '{"apps":{}}', { mode: 0o644 });
    chmodSync(paths.configFile, 0o644);
    await openStore(paths).update((d) => {
      d.apps.b = {};
    });
    expect(mode(temp.dir)).toBe(0o700);
    expect(mode(paths.configFile)).toBe(0o600);
  });

  it('writes by replacing the file (atomic rename), never in place', async () => {
    const store = openStore(paths);
    await store.update((d) => {
      d.apps.a = {};
    });
    const before = statSync(paths.configFile).ino;
    await store.update((d) => {
      d.apps.b = {};
    });
    expect(statSync(paths.configFile).ino).not.toBe(before);
    expect(Object.keys(store.read().apps)).toEqual(['a', 'b']);
  });

  it('does not write when the change throws or changes nothing', async () => {
    const store = openStore(paths);
    await store.update((d) => {
      d.apps.a = {};
    });
    const bytes = readFileSync(paths.configFile);
    const ino = statSync(paths.configFile).ino;
    await expect(
      store.update((d) => {
        d.apps.b = {};
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    await store.update(() => undefined);
    expect(readFileSync(paths.configFile)).toEqual(bytes);
    expect(statSync(paths.configFile).ino).toBe(ino);
  });

  it('serialises concurrent updates (no lost writes)', async () => {
    const store = openStore(paths);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.update(async (d) => {
          await new Promise((r) => setTimeout(r, 1));
          d.apps[`app${i}`] = {};
        }),
      ),
    );
    expect(Object.keys(store.read().apps)).toHaveLength(12);
  });

  it('takes over a stale lock left by a process that died', async () => {
    const lock = `${paths.configFile}.lock`;
    mkdirSync(lock, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    await openStore(paths).update((d) => {
      d.apps.a = {};
    });
    expect(existsSync(lock)).toBe(false);
    expect(Object.keys(openStore(paths).read().apps)).toEqual(['a']);
  });

  it('waits for a live lock to be released', async () => {
    const lock = `${paths.configFile}.lock`;
    mkdirSync(lock, { recursive: true });
    let released = false;
    setTimeout(() => {
      released = true;
      rmSync(lock, { recursive: true });
    }, 150);
    await openStore(paths).update((d) => {
      expect(released).toBe(true);
      d.apps.a = {};
    });
    expect(Object.keys(openStore(paths).read().apps)).toEqual(['a']);
  });

  const broken: Array<[string, string, RegExp]> = [
    ['corrupt JSON', '{"apps": {"a": {', /is not valid JSON/],
    ['a truncated file', '{"apps": {"a": {"bearerToken": "abc"}}, "defaultApp": "a"', /is not valid JSON/],
    ['an empty file', '', /is empty/],
    ['wrong top-level types', '{"apps": []}', /apps should be an object/],
    [
      'a wrong token type',
      '{"apps": {"a": {"oauth2Tokens": {"al": {"accessToken": 5}}}}}',
      /apps\["a"\]\.oauth2Tokens\["al"\]\.accessToken should be a string/,
    ],
    [
      'a non-numeric expiry',
      '{"apps": {"a": {"oauth2Tokens": {"al": {"accessToken": "x", "expiresAt": "soon"}}}}}',
      /expiresAt should be a number/,
    ],
    ['a default app that does not exist', '{"apps": {}, "defaultApp": "gone"}', /defaultApp "gone" is not one of its apps/],
    ['an array', '[1, 2]', /top level should be an object/],
  ];
  for (const [what, content, problem] of broken) {
    it(`reports ${what} naming the file, and leaves it byte for byte`, async () => {
      mkdirSync(temp.dir, { recursive: true });
      writeFileSync(paths.configFile, content, { mode: 0o600 });
      const store = openStore(paths);
      expect(() => store.read()).toThrow(ConfigFileError);
      expect(() => store.read()).toThrow(problem);
      expect(() => store.read()).toThrow(paths.configFile);
      await expect(
        store.update((d) => {
          d.apps.new = {};
        }),
      ).rejects.toThrow(ConfigFileError);
      expect(readFileSync(paths.configFile, 'utf8')).toBe(content);
      expect(readdirSync(temp.dir)).toEqual(['config.json']);
    });
  }

  it('reports an unreadable file (a directory where the file should be)', () => {
    mkdirSync(paths.configFile, { recursive: true });
    expect(() => openStore(paths).read()).toThrow(/config\.json cannot be read \(EISDIR\)/);
  });

  it.skipIf(process.getuid?.() === 0)('reports a file without read permission', () => {
    mkdirSync(temp.dir, { recursive: true });
    writeFileSync(paths.configFile, '{"apps":{}}', { mode: 0o000 });
    expect(() => openStore(paths).read()).toThrow(/cannot be read \(EACCES\)/);
  });

  it('keeps keys it does not know (a newer xcli wrote them)', async () => {
    mkdirSync(temp.dir, { recursive: true });
    writeFileSync(paths.configFile, '{"apps":{"a":{"future":1}},"later":{"x":true}}');
    await openStore(paths).update((d) => {
      d.defaultApp = 'a';
    });
    expect(JSON.parse(readFileSync(paths.configFile, 'utf8'))).toEqual({
      apps: { a: { future: 1 } },
      later: { x: true },
      defaultApp: 'a',
      version: 1,
    });
  });
});

describe('store file location', () => {
  it('is XCLI_CONFIG_DIR/config.json', () => {
    expect(openStore(resolvePaths({ XCLI_CONFIG_DIR: '/x/y' })).path).toBe(join('/x/y', 'config.json'));
  });
});

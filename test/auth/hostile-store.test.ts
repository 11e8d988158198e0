// Issue 14 item 9: a credential store others could have written is refused, as ssh refuses such
// keys: exit 3, one line naming the path and the fix, and the file (or a link's target) untouched.
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from '../helpers/run-cli.js';

const GOOD = JSON.stringify({
  version: 1,
  defaultApp: 'main',
  apps: {
    main: { bearerToken: 'stored-bearer-secret', oauth1: { consumerKey: 'ck', consumerSecret: 'stored-consumer-secret' } },
  },
});
const IS_ROOT = process.getuid?.() === 0;

/** Commands that read or write the store: none may get past a hostile one. */
const COMMANDS = [
  ['auth', 'status'],
  ['auth', 'app', '--bearer-token', 'AAAAnewBearer'],
  ['auth', 'apps', 'add', 'other', '--client-id', 'cid'],
  ['/2/users/me'],
  ['webhook', 'crc', 'helloWorld'],
];

/** Type, owner, mode, size, mtime and bytes (or the link and its target) of a path. */
function snapshot(path: string): string {
  const st = lstatSync(path);
  const body = st.isSymbolicLink() ? `-> ${readlinkSync(path)}` : st.isFile() ? readFileSync(path, 'utf8') : '';
  return JSON.stringify([st.uid, st.mode, st.size, st.mtimeMs, body]);
}

describe.skipIf(process.platform === 'win32')('a credential store others could have written (#14.9)', () => {
  let temp: ReturnType<typeof tempConfigDir>;
  beforeEach(() => {
    temp = tempConfigDir();
    mkdirSync(temp.dir, { recursive: true, mode: 0o700 });
    chmodSync(temp.dir, 0o700);
  });
  afterEach(() => {
    chmodSync(temp.dir, 0o700);
    temp.cleanup();
  });

  async function expectRefused(watched: string[], says: RegExp, names: string): Promise<void> {
    const before = watched.map(snapshot);
    for (const argv of COMMANDS) {
      const r = await runCli(argv, { env: { XCLI_CONFIG_DIR: temp.dir, XCLI_API_BASE_URL: 'http://127.0.0.1:9' } });
      const where = `xcli ${argv.join(' ')}`;
      expect(r.code, `${where}: ${r.stderr}`).toBe(3);
      expect(r.stdout, where).toBe('');
      expect(r.stderr, where).toMatch(/^xcli: [^\n]+\n$/);
      expect(r.stderr, where).toContain(names);
      expect(r.stderr, where).toMatch(says);
      expect(r.stderr, where).not.toContain('stored-');
    }
    expect(watched.map(snapshot)).toEqual(before);
  }

  it('a symbolic link: never read, chmod-ed or written through', async () => {
    const target = join(temp.dir, '..', 'elsewhere.json');
    writeFileSync(target, GOOD, { mode: 0o644 });
    chmodSync(target, 0o644);
    const file = join(temp.dir, 'config.json');
    symlinkSync(target, file);
    await expectRefused([file, target], /is a symbolic link.*replace it with the file itself/, file);
    expect(lstatSync(target).mode & 0o777).toBe(0o644);
  });

  it.each([
    ['group', 0o660],
    ['others', 0o606],
  ])('a file writable by %s', async (who, mode) => {
    const file = join(temp.dir, 'config.json');
    writeFileSync(file, GOOD, { mode });
    chmodSync(file, mode);
    await expectRefused(
      [file],
      new RegExp(`is writable by ${who} \\(mode ${mode.toString(8)}\\); check its contents, then 'chmod 600 ${file}'`),
      file,
    );
  });

  it('a file in a directory others can write to, and no file created in one', async () => {
    const file = join(temp.dir, 'config.json');
    writeFileSync(file, GOOD, { mode: 0o600 });
    chmodSync(temp.dir, 0o777);
    await expectRefused(
      [file, temp.dir],
      new RegExp(`is in ${temp.dir}, which others can write to; 'chmod 700 ${temp.dir}'`),
      temp.dir,
    );

    const empty = join(temp.dir, 'fresh');
    mkdirSync(empty);
    chmodSync(empty, 0o777);
    const r = await runCli(['auth', 'app', '--bearer-token', 'AAAAnewBearer'], { env: { XCLI_CONFIG_DIR: empty } });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`which others can write to; 'chmod 700 ${empty}'`);
    expect(existsSync(join(empty, 'config.json'))).toBe(false);
  });

  // Only root can give a file away (CI runs as root).
  it.skipIf(!IS_ROOT)('a file owned by another user', async () => {
    const file = join(temp.dir, 'config.json');
    writeFileSync(file, GOOD, { mode: 0o600 });
    chownSync(file, 65534, 65534);
    await expectRefused([file], /is owned by another user \(uid 65534\); check its contents, then 'chown 0 /, file);
  });

  it('a file readable by others is still tightened to 0600 on the next write (as before)', async () => {
    const file = join(temp.dir, 'config.json');
    writeFileSync(file, GOOD, { mode: 0o644 });
    chmodSync(file, 0o644);
    const r = await runCli(['auth', 'app', '--bearer-token', 'AAAAnewBearer'], { env: { XCLI_CONFIG_DIR: temp.dir } });
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(file).mode & 0o777).toBe(0o600);
  });
});

// Completion driven in the real shells: each script is loaded into bash, zsh or fish, asked for the
// words a user's ⇥ would get, and answers through `xcli __complete` from the built bin.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, XCLI_BIN } from '../helpers/run-cli.js';

let home: string;
let env: Record<string, string>;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'xcli-completion-'));
  const bin = join(home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'xcli'), `#!/bin/sh\nexec "${process.execPath}" "${XCLI_BIN}" "$@"\n`);
  chmodSync(join(bin, 'xcli'), 0o755);
  const config = join(home, 'config');
  mkdirSync(config);
  const token = { accessToken: 'SECRET-TOKEN-never-completed', expiresAt: 0 };
  writeFileSync(
    join(config, 'config.json'),
    JSON.stringify({
      version: 1,
      defaultApp: 'alpha',
      apps: { alpha: { bearerToken: 'SECRET-BEARER', oauth2Tokens: { alice: token } }, beta: { oauth2Tokens: { bob: token } } },
    }),
  );
  const work = join(home, 'work');
  mkdirSync(join(work, 'clips'), { recursive: true });
  writeFileSync(join(work, 'data.json'), '{}');
  writeFileSync(join(work, 'picture.png'), '');
  writeFileSync(join(work, 'clips', 'video.mp4'), '');
  env = cleanEnv({ PATH: `${bin}:${process.env.PATH}`, XCLI_CONFIG_DIR: config, HOME: home });
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

function shell(program: string, args: string[]): string {
  const r = spawnSync(program, args, { env, cwd: join(home, 'work'), encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`${program} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const has = (program: string): boolean => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
const lines = (text: string): string[] => text.split('\n').filter(Boolean);

describe('xcli __complete (the engine every script asks)', () => {
  it('completes option values it can know and nothing for the values it cannot', async () => {
    const ask = async (current: string, ...words: string[]) =>
      lines((await runCli(['__complete', `--current=${current}`, '--', ...words], { env, cwd: join(home, 'work') })).stdout);
    expect(await ask('', '--app')).toEqual(['alpha\tstored app', 'beta\tstored app']);
    expect(await ask('', 'post', '-u')).toEqual(['alice\tOAuth2 user', 'bob\tOAuth2 user']);
    expect(await ask('', '--app', 'beta', 'post', '-u')).toEqual(['bob\tOAuth2 user']);
    expect(await ask('', 'webhook', 'start', '--port')).toEqual([]);
    expect(await ask('--app=b')).toEqual(['--app=beta\tstored app']);
    expect(await ask('like.create,post.cr', 'webhook', 'start', '--events')).toEqual([
      'like.create,post.create\tpost (Activity API)',
    ]);
    expect(
      (await ask('profile.update.b', 'activity', 'subscriptions', 'create', '--event-type')).map((l) => l.split('\t')[0]),
    ).toEqual(['profile.update.bio', 'profile.update.banner_picture']);
    expect(await ask('', 'completion')).toEqual(['bash', 'zsh', 'fish', 'powershell']);
    const all = (await runCli(['__complete', '--current=', '--', '--app'], { env })).stdout;
    expect(all).not.toContain('SECRET');
  });

  it('completes API paths one segment at a time, and files where files go', async () => {
    const ask = async (current: string, ...words: string[]) =>
      lines((await runCli(['__complete', `--current=${current}`, '--', ...words], { env, cwd: join(home, 'work') })).stdout).map(
        (l) => l.split('\t')[0],
      );
    expect(await ask('/2/tw')).toEqual(['/2/tweets', '/2/tweets/']);
    expect(await ask('/2/users/me')).toEqual(['/2/users/me']);
    expect(await ask('@', '-d')).toEqual(['@clips/', '@data.json', '@picture.png']);
    expect(await ask('media=@cl', '-F')).toEqual(['media=@clips/']);
    expect(await ask('clips/', 'media', 'upload')).toEqual(['clips/video.mp4']);
    expect(await ask('--ma', 'media', 'upload').then((v) => v.length)).toBe(0);
  });
});

describe.skipIf(!has('bash'))('bash', () => {
  // COMP_WORDS as bash splits them (at spaces and at = and :), with the cursor at the end.
  const complete = (line: string, words: string[]) =>
    lines(
      shell('bash', [
        '-c',
        `eval "$(xcli completion bash)"
COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}
COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
_xcli_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ]),
    );

  it('completes values, not subcommands, after an option that takes one', () => {
    expect(complete('xcli --app ', ['xcli', '--app', ''])).toEqual(['alpha', 'beta']);
    expect(complete('xcli webhook start --port ', ['xcli', 'webhook', 'start', '--port', ''])).toEqual([]);
    expect(complete('xcli --app sandbox we', ['xcli', '--app', 'sandbox', 'we'])).toEqual(['webhook']);
  });

  it('completes after = as bash splits it, paths and files', () => {
    expect(complete('xcli --app=al', ['xcli', '--app', '=', 'al'])).toEqual(['alpha']);
    expect(complete('xcli -F media=@pic', ['xcli', '-F', 'media', '=', '@pic'])).toEqual(['@picture.png']);
    expect(complete('xcli /2/tweets/sea', ['xcli', '/2/tweets/sea'])).toEqual(['/2/tweets/search/']);
    expect(complete('xcli sandbox emit profile.update.bi', ['xcli', 'sandbox', 'emit', 'profile.update.bi'])).toEqual([
      'profile.update.bio',
    ]);
  });
});

describe.skipIf(!has('zsh'))('zsh (native, with descriptions)', () => {
  // compsys's _describe and compdef stand in as printers; the script's own code runs in real zsh.
  const complete = (words: string[]) =>
    lines(
      shell('zsh', [
        '-f',
        '-c',
        `compdef() { :; }
_describe() { local name=$4; shift 4; print -rl -- "\${(@P)name}" | sed "s/^/\${*:+[$*] }/"; }
eval "$(xcli completion zsh)"
words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=\${#words}
_xcli`,
      ]),
    );

  it('offers values with descriptions, and no space after folders', () => {
    expect(complete(['xcli', '--app', ''])).toEqual(['alpha:stored app', 'beta:stored app']);
    expect(complete(['xcli', 'media', 'upload', ''])).toEqual(['data.json', 'picture.png', '[-S ] clips/']);
    expect(complete(['xcli', 'webh'])).toEqual([
      'webhook:develop against X webhooks: a local server answering CRC, event log, forwarding, triggers',
    ]);
  });
});

describe.skipIf(!has('fish'))('fish', () => {
  const complete = (line: string) =>
    lines(shell('fish', ['--no-config', '-c', `xcli completion fish | source; complete -C ${JSON.stringify(line)}`]));

  it('completes values with descriptions and keeps file completion where files go', () => {
    expect(complete('xcli --app ')).toEqual(['alpha\tstored app', 'beta\tstored app']);
    expect(complete('xcli media upload ')).toEqual(['clips/', 'data.json', 'picture.png']);
    expect(complete('xcli webhook start --port ')).toEqual([]);
    expect(complete('xcli -u ')).toEqual(['alice\tOAuth2 user', 'bob\tOAuth2 user']);
  });
});

describe('PowerShell (pwsh is not in Debian: the script is checked as text)', () => {
  it('registers a native completer that asks __complete with the current word as an option value', async () => {
    const r = await runCli(['completion', 'powershell']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Register-ArgumentCompleter -Native -CommandName xcli');
    expect(r.stdout).toContain('& xcli __complete "--current=$wordToComplete" -- @words');
    expect(r.stdout).toContain("CompletionResult]::new($value, $value, 'ParameterValue', $description)");
  });
});

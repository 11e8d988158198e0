import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPlainRequest } from '../../src/program.js';
import { runCli } from '../helpers/run-cli.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('version, help and completion', () => {
  it('prints the version three ways', async () => {
    for (const args of [['--version'], ['version']]) {
      const r = await runCli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`xcli ${pkg.version}\n`);
    }
  });

  it('groups the help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Requests:/);
    expect(r.stdout).toMatch(/Webhooks:/);
    expect(r.stdout).toMatch(/Credentials:/);
    expect(r.stdout).toMatch(/Exit codes:/);
  });

  it('shows the whole help after a request path too (a request alone builds only the root command)', async () => {
    const r = await runCli(['/2/tweets/20', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Webhooks:/);
    expect(r.stdout).toBe((await runCli(['--help'])).stdout);
    expect(isPlainRequest(['/2/tweets/20', '-v'])).toBe(true);
    expect(isPlainRequest(['https://api.x.com/2/users/me'])).toBe(true);
    expect(isPlainRequest(['/2/tweets/20', '-h'])).toBe(false);
    expect(isPlainRequest(['-X', 'POST', '/2/tweets'])).toBe(false);
    expect(isPlainRequest(['webhook', 'list'])).toBe(false);
  });

  it('prints completion scripts that the shells accept', async () => {
    const bash = await runCli(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -F _xcli_complete xcli');
    const fish = await runCli(['completion', 'fish']);
    expect(fish.stdout).toContain("complete -c xcli -f -a '(__xcli_complete)'");
    const zsh = await runCli(['completion', 'zsh']);
    expect(zsh.stdout.startsWith('#compdef xcli')).toBe(true);
  });

  it('refuses an unknown shell and an unknown flag with one line and exit 2', async () => {
    const shell = await runCli(['completion', 'tcsh']);
    expect(shell.code).toBe(2);
    expect(shell.stderr).toBe(
      "xcli: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish, powershell. (see 'xcli completion --help')\n",
    );
    const flag = await runCli(['--no-such-flag']);
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim().split('\n')).toHaveLength(1);
    expect(flag.stderr).toMatch(/^xcli: unknown option '--no-such-flag'/);
  });
  it("points a subcommand typo at that command's help, in one line", async () => {
    const r = await runCli(['webhook', 'strat']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("xcli: unknown command 'strat' (Did you mean start?) (see 'xcli webhook --help')\n");
    const opt = await runCli(['webhook', 'start', '--bogus']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toBe("xcli: unknown option '--bogus' (see 'xcli webhook start --help')\n");
  });
  it('prints the pre-rendered root help exactly as the program renders it', async () => {
    const fast = await runCli(['--help']);
    const { main } = await import('../../src/cli.js');
    const { testIO } = await import('../../src/io.js');
    const io = testIO();
    expect(await main(['--help'], io, {})).toBe(0);
    expect(fast.stdout).toBe(io.out());
    expect((await runCli(['-h'])).stdout).toBe(io.out());
  });
});

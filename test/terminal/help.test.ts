// `xcli help [command…]`, groups typed alone, and the manual page: help goes to stdout with exit 0.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

describe('help as people type it', () => {
  it('xcli help is the root help, xcli help COMMAND… the help of that command, on stdout with exit 0', async () => {
    const root = await runCli(['--help']);
    const help = await runCli(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(root.stdout);
    expect(root.stdout).toMatch(/^ {2}help \[options\] \[command\.\.\.\] +show help for xcli or a command/m);
    for (const words of [['webhook'], ['webhook', 'start'], ['auth', 'oauth2']]) {
      const typed = await runCli(['help', ...words]);
      expect(typed.code).toBe(0);
      expect(typed.stderr).toBe('');
      expect(typed.stdout).toBe((await runCli([...words, '--help'])).stdout);
      expect(typed.stdout).toMatch(new RegExp(`^Usage: xcli ${words.join(' ')} `));
    }
  });

  it('an unknown command after help is one line and exit 2', async () => {
    const r = await runCli(['help', 'webhook', 'strat']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("xcli: unknown command 'strat' (see 'xcli webhook --help')\n");
  });

  it('a group typed alone prints its help on stdout and exits 0; a typo after it stays a usage error', async () => {
    for (const group of [['webhook'], ['auth'], ['activity', 'subscriptions']]) {
      const r = await runCli(group);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe((await runCli(['help', ...group])).stdout);
    }
    const typo = await runCli(['webhook', 'strat']);
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe('');
  });

  it('xcli help --man prints the manual page built with the program, listing every command', async () => {
    const r = await runCli(['help', '--man']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(new URL('../../dist/xcli.1', import.meta.url), 'utf8'));
    expect(r.stdout).toMatch(/^\.TH XCLI 1 /);
    expect(r.stdout).toContain('.SS "xcli webhook start"');
    expect(r.stdout).toContain('\\fB\\-X\\fR, \\fB\\-\\-method\\fR \\fI<method>\\fR');
    expect(r.stdout).not.toContain('__complete');
    expect(r.stdout).toContain('.SH EXIT STATUS');
  });
});

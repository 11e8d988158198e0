// xcli(1): the manual page, written from the command tree so it lists exactly the commands and
// options the program has. The build saves it as dist/xcli.1 (install.sh puts it where `man` looks);
// `xcli help --man` prints the same text.
import type { Command, Option } from 'commander';
import { visibleCommands } from '../help/visible.js';

/** Text as roff reads it: backslashes, a leading dot or quote, and hyphens (so `man` keeps them ASCII). */
function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1');
}

function optionLines(options: readonly Option[]): string[] {
  const lines: string[] = [];
  for (const option of options) {
    if (option.hidden) continue;
    const names = [option.short, option.long]
      .filter(Boolean)
      .map((n) => `\\fB${roff(n!)}\\fR`)
      .join(', ');
    const value = option.flags.match(/[<[].*[>\]]/)?.[0];
    lines.push('.TP', `${names}${value ? ` \\fI${roff(value)}\\fR` : ''}`, roff(option.description || ''));
    const fallback = option.defaultValue;
    if (fallback !== undefined && typeof fallback !== 'boolean' && !(Array.isArray(fallback) && fallback.length === 0)) {
      lines.push(`(default: ${roff(String(fallback))})`);
    }
  }
  return lines;
}

function commandSections(cmd: Command, path: string[], lines: string[]): void {
  for (const sub of visibleCommands(cmd)) {
    if (sub.name() === 'help' && path.length === 0) continue;
    const words = [...path, sub.name()];
    const usage = sub
      .usage()
      .replace(/\[options\]\s*/, '')
      .trim();
    lines.push(`.SS "${roff(['xcli', ...words, usage].filter(Boolean).join(' '))}"`, roff(sub.description()));
    if (sub.aliases().length > 0) lines.push('.br', `Also: ${sub.aliases().map(roff).join(', ')}.`);
    lines.push(...optionLines(sub.options));
    commandSections(sub, words, lines);
  }
}

export function manPage(program: Command, version: string): string {
  const lines = [
    `.TH XCLI 1 "" "xcli ${roff(version)}" "User Commands"`,
    '.SH NAME',
    `xcli \\- ${roff(program.description().replace(/\.$/, ''))}`,
    '.SH SYNOPSIS',
    '.B xcli',
    '[\\fIoptions\\fR] \\fIpath\\fR|\\fIurl\\fR',
    '.br',
    '.B xcli',
    '\\fIcommand\\fR [\\fIsubcommand\\fR] [\\fIoptions\\fR]',
    '.SH DESCRIPTION',
    'A path such as \\fB/2/tweets/20\\fR (or a full URL) sends an authenticated request to the X API;',
    'the route decides the authentication. The commands below cover posting, reading, users, media,',
    'webhooks, the Activity API, streams and stored credentials.',
    '\\fBxcli help\\fR \\fIcommand\\fR shows the help of one command.',
    '.SH OPTIONS',
    ...optionLines(program.options),
    '.SH COMMANDS',
  ];
  commandSections(program, [], lines);
  lines.push(
    '.SH EXIT STATUS',
    '.TP',
    '0',
    'success',
    '.TP',
    '1',
    'an HTTP error or another failure',
    '.TP',
    '2',
    'a usage error (unknown option, bad value)',
    '.TP',
    '3',
    'missing or rejected credentials',
    '.TP',
    '4',
    'a network error',
    '.TP',
    '5',
    'rate-limited: gave up waiting',
    '.SH ENVIRONMENT',
    ...[
      ['XCLI_CONFIG_DIR', 'where the credential store and state live'],
      ['XCLI_API_BASE_URL', 'the API host (default https://api.x.com)'],
      ['X_BEARER_TOKEN, X_ACCESS_TOKEN', 'an app-only bearer / OAuth2 user token, ahead of the store'],
      ['X_CONSUMER_KEY, X_CONSUMER_SECRET, X_ACCESS_TOKEN_SECRET', 'OAuth 1.0a credentials'],
      ['X_CLIENT_ID, X_CLIENT_SECRET', 'the OAuth2 client'],
      ['NGROK_AUTHTOKEN', 'the tunnel of webhook start'],
      ['NO_COLOR, FORCE_COLOR', 'turn colour off, or force a colour level (0 to 3)'],
      ['XCLI_FORCE_TTY', 'print the terminal view (tables, progress) even when piped'],
    ].flatMap(([name, text]) => ['.TP', `\\fB${roff(name!)}\\fR`, roff(text!)]),
    '.SH SEE ALSO',
    '\\fBxcli help\\fR \\fIcommand\\fR, \\fBxcli completion\\fR \\fIshell\\fR, \\fBjq\\fR(1), \\fBcurl\\fR(1)',
  );
  return `${lines.join('\n')}\n`;
}

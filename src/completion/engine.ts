// Answers "what can go here?" for `xcli __complete`, from the real command tree (cobra's design, as
// gh has it): the shell scripts only pass the typed words, so completion always matches the program.
// It knows which options take a value and completes the values it can know: stored app and user
// names, event types, API paths from the route table, files where a file goes, and fixed choices.
import { type Dirent, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { EVENT_TYPES } from '../activity/event-types.js';
import { visibleCommands } from '../help/visible.js';
import { allRoutes } from '../http/routes.js';
import { sampleTypes } from '../webhook/samples.js';

export interface Candidate {
  value: string;
  description?: string;
}

/** Values that live outside the command tree (the credential store); names only, never secrets. */
export interface ValueSources {
  apps(): Promise<string[]>;
  /** OAuth2 users of `app`, or of every app when none was typed. */
  users(app: string | undefined): Promise<string[]>;
}

interface Parsed {
  cmd: Command;
  /** An option typed just before the current word that still wants its value. */
  pending?: Option;
  positionals: number;
  afterDashDash: boolean;
  /** Values of options already typed, by attribute name (`app` for --app). */
  values: Map<string, string>;
}

function findOption(cmd: Command, flag: string): Option | undefined {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const found = c.options.find((o) => o.long === flag || o.short === flag);
    if (found) return found;
  }
  return undefined;
}

const takesValue = (option: Option): boolean => option.required || option.optional;

function parse(root: Command, words: readonly string[]): Parsed {
  const state: Parsed = { cmd: root, positionals: 0, afterDashDash: false, values: new Map() };
  for (const word of words) {
    if (state.pending) {
      state.values.set(state.pending.attributeName(), word);
      state.pending = undefined;
    } else if (state.afterDashDash) {
      state.positionals++;
    } else if (word === '--') {
      state.afterDashDash = true;
    } else if (word.startsWith('-') && word.length > 1) {
      const equals = word.startsWith('--') ? word.indexOf('=') : -1;
      const flag = equals > 0 ? word.slice(0, equals) : word.startsWith('--') ? word : word.slice(0, 2);
      const option = findOption(state.cmd, flag);
      if (!option || !takesValue(option)) continue;
      const attached =
        equals > 0 ? word.slice(equals + 1) : !word.startsWith('--') && word.length > 2 ? word.slice(2) : undefined;
      if (attached === undefined) state.pending = option;
      else state.values.set(option.attributeName(), attached);
    } else {
      const sub =
        state.positionals === 0
          ? visibleCommands(state.cmd).find((c) => c.name() === word || c.aliases().includes(word))
          : undefined;
      if (sub) {
        state.cmd = sub;
        state.positionals = 0;
      } else {
        state.positionals++;
      }
    }
  }
  return state;
}

/** Candidates for the word being typed (`current`, possibly empty) after `words`. */
export async function complete(
  root: Command,
  words: readonly string[],
  current: string,
  sources: ValueSources,
): Promise<Candidate[]> {
  const state = parse(root, words);
  if (state.pending) return optionValues(state, state.pending, current, sources);
  if (!state.afterDashDash && current.startsWith('--') && current.includes('=')) {
    const equals = current.indexOf('=');
    const option = findOption(state.cmd, current.slice(0, equals));
    if (!option || !takesValue(option)) return [];
    const prefix = current.slice(0, equals + 1);
    return (await optionValues(state, option, current.slice(equals + 1), sources)).map((c) => ({
      ...c,
      value: prefix + c.value,
    }));
  }
  if (!state.afterDashDash && current.startsWith('-')) return optionNames(state.cmd, current);
  const candidates: Candidate[] = [];
  if (state.positionals === 0 && !state.afterDashDash) {
    for (const sub of visibleCommands(state.cmd)) candidates.push({ value: sub.name(), description: sub.description() });
  }
  if (state.cmd === root && state.positionals === 0 && current.startsWith('/')) candidates.push(...apiPaths(current));
  const args = state.cmd.registeredArguments;
  const argument = args[state.positionals] ?? (args.at(-1)?.variadic ? args.at(-1) : undefined);
  if (argument && state.cmd !== root) {
    candidates.push(
      ...(argument.argChoices?.map((value) => ({ value })) ?? (await valuesFor(argument.name(), current, sources, state)) ?? []),
    );
  }
  return candidates.filter((c) => c.value.startsWith(current));
}

function optionNames(cmd: Command, current: string): Candidate[] {
  const candidates: Candidate[] = [];
  for (const option of cmd.options) {
    if (option.hidden) continue;
    for (const flag of [option.long, option.short]) {
      if (flag?.startsWith(current)) candidates.push({ value: flag, description: option.description });
    }
  }
  if ('--help'.startsWith(current)) candidates.push({ value: '--help', description: 'show help for this command' });
  return candidates;
}

async function optionValues(state: Parsed, option: Option, current: string, sources: ValueSources): Promise<Candidate[]> {
  const fromChoices = option.argChoices?.map((value) => ({ value }));
  const name = option.long?.slice(2) ?? option.attributeName();
  const found = fromChoices ?? (await valuesFor(name, current, sources, state, option.flags)) ?? [];
  return found.filter((c) => c.value.startsWith(current));
}

/**
 * Values by the name of the option or argument that takes them; undefined for a value xcli cannot
 * know (a port, a text): the shell then offers nothing rather than subcommands.
 */
async function valuesFor(
  name: string,
  current: string,
  sources: ValueSources,
  state: Parsed,
  flags = '',
): Promise<Candidate[] | undefined> {
  switch (name) {
    case 'app':
      return (await sources.apps()).map((value) => ({ value, description: 'stored app' }));
    case 'username':
      return (await sources.users(state.values.get('app'))).map((value) => ({ value, description: 'OAuth2 user' }));
    case 'events':
    case 'event-type':
    case 'type':
      return eventTypes(/<\w+s>|\.\.\./.test(flags) || name === 'events' ? current : '', current);
    case 'data':
      return current.startsWith('@') && current !== '@-' ? files(current.slice(1), '@') : undefined;
    case 'file': {
      const at = current.indexOf('=@');
      return at >= 0 ? files(current.slice(at + 2), current.slice(0, at + 2)) : files(current, '');
    }
    case 'files':
      return files(current, '');
  }
  return /<(file|dir)s?(\.\.\.)?>/.test(flags) ? files(current, '') : undefined;
}

/** Event types; for a comma-separated list (`--events post.create,like.`) the last item completes. */
function eventTypes(list: string, current: string): Candidate[] {
  const head = list.includes(',') ? list.slice(0, list.lastIndexOf(',') + 1) : '';
  const byName = new Map<string, string>();
  for (const info of EVENT_TYPES) byName.set(info.name, `${info.category} (Activity API)`);
  for (const type of sampleTypes()) if (!byName.has(type)) byName.set(type, 'Account Activity');
  return [...byName]
    .map(([name, description]) => ({ value: head + name, description }))
    .filter((c) => c.value.startsWith(current));
}

/** API paths of the route table, one segment at a time: `/2/tw` → `/2/tweets`, `/2/tweets/`. */
function apiPaths(current: string): Candidate[] {
  const found = new Map<string, string | undefined>();
  for (const route of allRoutes()) {
    if (!route.path.startsWith(current)) continue;
    const next = route.path.indexOf('/', current.length);
    if (next === -1) found.set(route.path, found.get(route.path) ?? route.summary);
    else if (!found.has(route.path.slice(0, next + 1))) found.set(route.path.slice(0, next + 1), undefined);
  }
  return [...found].map(([value, description]) => ({ value, description }));
}

/** Files and folders matching `typed` (`~/` is the home folder); folders end in `/` so typing goes on. */
function files(typed: string, prefix: string): Candidate[] {
  const slash = typed.lastIndexOf('/');
  const folder = typed.slice(0, slash + 1);
  const base = typed.slice(slash + 1);
  const onDisk = folder.startsWith('~/') ? join(homedir(), folder.slice(2)) : folder || '.';
  let entries: Dirent[];
  try {
    entries = readdirSync(onDisk, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.name.startsWith(base) && (base.startsWith('.') || !e.name.startsWith('.')))
    .map((e) => ({ value: `${prefix}${folder}${e.name}${e.isDirectory() ? '/' : ''}` }))
    .sort((a, b) => a.value.localeCompare(b.value));
}

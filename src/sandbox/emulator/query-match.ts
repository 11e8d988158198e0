// A small subset of X's search and filtered-stream query language, enough to make searches and
// rules behave: terms (AND), "exact phrases", OR, -negation, from:, to:, @mention, #tag,
// is:reply, is:quote, is:retweet, has:media, has:mentions, lang: (ignored), (parentheses are flattened).
import type { SandboxPost, SandboxState } from './store.js';

type Clause = { negate: boolean; test: (post: SandboxPost) => boolean };

function tokenize(query: string): string[] {
  return [...query.matchAll(/-?"[^"]*"|[^\s()]+/g)].map((m) => m[0]);
}

function termTest(state: SandboxState, term: string): (post: SandboxPost) => boolean {
  const lower = term.toLowerCase();
  const username = (id: string) => state.users.get(id)?.username.toLowerCase();
  const [op, arg = ''] = lower.includes(':')
    ? [lower.slice(0, lower.indexOf(':')), lower.slice(lower.indexOf(':') + 1)]
    : [undefined, lower];
  switch (op) {
    case 'from':
      return (p) => username(p.author_id) === arg.replace(/^@/, '') || p.author_id === arg;
    case 'to':
      return (p) => (p.in_reply_to_user_id ? username(p.in_reply_to_user_id) === arg.replace(/^@/, '') : false);
    case 'is':
      if (arg === 'reply') return (p) => !!p.referenced_tweets?.some((r) => r.type === 'replied_to');
      if (arg === 'quote') return (p) => !!p.referenced_tweets?.some((r) => r.type === 'quoted');
      if (arg === 'retweet') return (p) => !!p.referenced_tweets?.some((r) => r.type === 'retweeted');
      return () => false;
    case 'has':
      if (arg === 'media') return (p) => !!p.attachments?.media_keys?.length;
      if (arg === 'mentions') return (p) => !!p.entities?.mentions?.length;
      return () => false;
    case 'lang':
      return () => true;
    default: {
      const phrase = lower.startsWith('"') ? lower.slice(1, -1) : lower;
      return (p) => p.text.toLowerCase().includes(phrase);
    }
  }
}

/** A predicate for the query; OR groups are alternatives of AND-ed clauses. */
export function compileQuery(state: SandboxState, query: string): (post: SandboxPost) => boolean {
  const groups: Clause[][] = [[]];
  for (const token of tokenize(query)) {
    if (token === 'OR') {
      groups.push([]);
      continue;
    }
    const negate = token.startsWith('-') && token.length > 1;
    groups[groups.length - 1]!.push({ negate, test: termTest(state, negate ? token.slice(1) : token) });
  }
  const nonEmpty = groups.filter((g) => g.length > 0);
  return (post) => nonEmpty.some((group) => group.every((c) => c.test(post) !== c.negate));
}

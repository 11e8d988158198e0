// `--merge` and `--ndjson` for paginated responses, built from the raw text of each page (see
// json-spans.ts), so ids, numbers and escapes come out byte for byte as X sent them.
import { arrayItems, compactJson, objectMembers } from './json-spans.js';

const member = (members: Array<[string, string]>, key: string) => members.find(([k]) => k === key)?.[1];

/** The items of a page's `data` (an object counts as one item), compacted to one line each. */
export function dataItems(body: Buffer): string[] {
  const members = objectMembers(body.toString('utf8'));
  const data = members && member(members, 'data');
  if (data === undefined) return [];
  return (arrayItems(data) ?? [data]).map(compactJson);
}

/** The identity of an `includes` entry: its `id` or `media_key` (as raw JSON), else the whole entry. */
function includeKey(item: string): string {
  const members = objectMembers(item);
  const id = members && (member(members, 'id') ?? member(members, 'media_key'));
  return id === undefined ? item : compactJson(id);
}

/**
 * One document from several pages: `data` concatenated, each `includes.*` concatenated and
 * deduplicated by `id`/`media_key`, `meta.result_count` summed, `errors` kept; `meta.newest_id`
 * comes from the first page, `oldest_id` and `next_token` (when the run stopped early) from the last.
 */
export class PageMerger {
  private readonly data: string[] = [];
  private readonly includes = new Map<string, { items: string[]; seen: Set<string> }>();
  private readonly errors: string[] = [];
  private resultCount = 0;
  private newestId?: string;
  private oldestId?: string;
  private nextToken?: string;

  /** Adds a page body (throws JsonSyntaxError when it is not a JSON object). */
  add(body: Buffer): void {
    const text = body.toString('utf8');
    const members = objectMembers(text);
    if (!members) throw new SyntaxError('a page is not a JSON object');
    const items = dataItems(body);
    this.data.push(...items);
    const includes = member(members, 'includes');
    for (const [kind, raw] of includes === undefined ? [] : (objectMembers(includes) ?? [])) {
      const list = this.includes.get(kind) ?? { items: [], seen: new Set<string>() };
      this.includes.set(kind, list);
      for (const item of arrayItems(raw) ?? []) {
        const key = includeKey(item);
        if (list.seen.has(key)) continue;
        list.seen.add(key);
        list.items.push(compactJson(item));
      }
    }
    const errors = member(members, 'errors');
    if (errors) this.errors.push(...(arrayItems(errors) ?? [errors]).map(compactJson));
    const meta = objectMembers(member(members, 'meta') ?? '{}') ?? [];
    const count = Number(member(meta, 'result_count'));
    this.resultCount += Number.isFinite(count) ? count : items.length;
    this.newestId ??= member(meta, 'newest_id');
    this.oldestId = member(meta, 'oldest_id') ?? this.oldestId;
    this.nextToken = member(meta, 'next_token');
  }

  /** The merged document, one line of compact JSON. */
  text(): string {
    const parts = [`"data":[${this.data.join(',')}]`];
    if (this.includes.size) {
      const kinds = [...this.includes].map(([kind, list]) => `${JSON.stringify(kind)}:[${list.items.join(',')}]`);
      parts.push(`"includes":{${kinds.join(',')}}`);
    }
    const meta = [`"result_count":${this.resultCount}`];
    if (this.newestId !== undefined) meta.push(`"newest_id":${this.newestId}`);
    if (this.oldestId !== undefined) meta.push(`"oldest_id":${this.oldestId}`);
    if (this.nextToken !== undefined) meta.push(`"next_token":${this.nextToken}`);
    parts.push(`"meta":{${meta.join(',')}}`);
    if (this.errors.length) parts.push(`"errors":[${this.errors.join(',')}]`);
    return `{${parts.join(',')}}`;
  }
}

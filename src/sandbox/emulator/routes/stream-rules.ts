// Filtered-stream rules (`/2/tweets/search/stream/rules`, with dry_run and delete_all) and the
// Enterprise links that deliver the filtered stream to a webhook: `/2/tweets/search/webhooks`
// (OpenAPI) and `/2/tweets/search/stream/webhooks` (the quickstart's spelling) both work.
import { invalidRequest, problem, refused } from '../problems.js';
import type { RouteModule } from '../app.js';
import type { SandboxRequest, SandboxResponse } from '../router.js';
import { nextId, type SandboxState, type StreamRule } from '../store.js';
import { SANDBOX_APPLICATION_ID } from './account-activity.js';
import { changing } from './activity.js';

const RULE_VALUE_MAX = 1024;
const RULE_LIMIT = 1000;
const SNOWFLAKE = /^[0-9]{1,19}$/;
const PROBLEMS = 'https://api.x.com/2/problems';
/** Query parameters a stream link may carry (they shape the delivered posts). */
const LINK_PARAMS = ['expansions', 'tweet.fields', 'user.fields', 'media.fields', 'place.fields', 'poll.fields'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const sent = (now: number) => new Date(now).toISOString();

/** What X's rule parser rejects most often: unbalanced parentheses or quotes, a lone operator. */
export function ruleSyntaxProblem(value: string): string | undefined {
  let depth = 0;
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')' && --depth < 0) return 'Rules must have balanced parentheses';
  }
  if (quoted) return 'Rules must have balanced quotes';
  if (depth !== 0) return 'Rules must have balanced parentheses';
  if (/^\s*(OR|AND)\b|\b(OR|AND)\s*$/.test(value)) return 'Ambiguous use of OR or AND';
  if (/^\s*-\S+(\s+-\S+)*\s*$/.test(value)) return 'Rules must contain a non-negation term';
  return undefined;
}

function listRules(state: SandboxState, now: number, req: SandboxRequest): SandboxResponse {
  const ids = req.query
    .getAll('ids')
    .flatMap((v) => v.split(','))
    .filter(Boolean);
  const bad = ids.find((id) => !SNOWFLAKE.test(id));
  if (bad !== undefined) return invalidRequest(`The \`ids\` query parameter value [${bad}] does not match ^[0-9]{1,19}$`);
  const maxParam = req.query.get('max_results');
  const max = maxParam === null ? RULE_LIMIT : Number(maxParam);
  if (!Number.isInteger(max) || max < 1 || max > 1000)
    return invalidRequest(`The \`max_results\` query parameter value [${maxParam}] is not between 1 and 1000`);
  const token = req.query.get('pagination_token');
  const offset = token === null ? 0 : parseInt(token, 32);
  if (token !== null && (!/^[0-9a-v]{16}$/.test(token) || !Number.isSafeInteger(offset)))
    return invalidRequest(`The \`pagination_token\` query parameter value [${token}] is not valid`);
  const all = [...state.streamRules.values()].filter((r) => ids.length === 0 || ids.includes(r.id));
  const page = all.slice(offset, offset + max);
  const meta: Obj = { sent: sent(now), result_count: page.length };
  if (offset + max < all.length) meta.next_token = (offset + max).toString(32).padStart(16, '0');
  return { status: 200, json: page.length ? { data: page, meta } : { meta } };
}

function changeRules(state: SandboxState, now: number, req: SandboxRequest): SandboxResponse {
  const dryRun = req.query.get('dry_run') === 'true';
  const deleteAll = req.query.get('delete_all') === 'true';
  const body = req.json ?? {};
  if (!isObj(body)) return invalidRequest('The request body must be a JSON object with add or delete');
  const extra = Object.keys(body).find((k) => k !== 'add' && k !== 'delete');
  if (extra) return invalidRequest(`[${extra}] is not a valid field`);
  const actions = [body.add !== undefined, body.delete !== undefined, deleteAll].filter(Boolean).length;
  if (actions !== 1) return invalidRequest('Exactly one of add, delete or ?delete_all=true must be specified');
  if (deleteAll) {
    const n = state.streamRules.size;
    if (!dryRun) state.streamRules.clear();
    return { status: 200, json: { meta: { sent: sent(now), summary: { deleted: n, not_deleted: 0 } } } };
  }
  if (body.add !== undefined) return addRules(state, now, body.add, dryRun);
  return deleteRules(state, now, body.delete, dryRun);
}

function addRules(state: SandboxState, now: number, add: unknown, dryRun: boolean): SandboxResponse {
  if (!Array.isArray(add) || add.length === 0) return invalidRequest('add must be a non-empty array of {value, tag}');
  for (const item of add) {
    if (!isObj(item) || typeof item.value !== 'string' || item.value === '')
      return invalidRequest('each rule in add needs a value');
    if (Object.keys(item).some((k) => k !== 'value' && k !== 'tag')) return invalidRequest('a rule takes only value and tag');
    if (item.tag !== undefined && typeof item.tag !== 'string') return invalidRequest('tag must be a string');
  }
  const data: StreamRule[] = [];
  const errors: Obj[] = [];
  const existing = new Map([...state.streamRules.values()].map((r) => [r.value, r.id]));
  for (const item of add as Array<{ value: string; tag?: string }>) {
    const why =
      item.value.length > RULE_VALUE_MAX ? `Rule length exceeds ${RULE_VALUE_MAX} characters` : ruleSyntaxProblem(item.value);
    if (why) {
      errors.push({ value: item.value, details: [why], title: 'UnprocessableEntity', type: `${PROBLEMS}/invalid-rules` });
      continue;
    }
    const dup = existing.get(item.value);
    if (dup !== undefined) {
      errors.push({ value: item.value, id: dup, title: 'DuplicateRule', type: `${PROBLEMS}/duplicate-rules` });
      continue;
    }
    if (state.streamRules.size + data.length >= RULE_LIMIT) {
      errors.push({
        value: item.value,
        title: 'RulesCapExceeded',
        details: [`Rule limit of ${RULE_LIMIT} reached`],
        type: `${PROBLEMS}/rule-cap`,
      });
      continue;
    }
    const rule: StreamRule = { id: nextId(state, now), value: item.value, ...(item.tag !== undefined ? { tag: item.tag } : {}) };
    existing.set(rule.value, rule.id);
    data.push(rule);
  }
  if (!dryRun) for (const rule of data) state.streamRules.set(rule.id, rule);
  // A dry run reports the expected result without applying it (X's docs on dry_run).
  const summary = { created: data.length, not_created: errors.length, valid: data.length, invalid: errors.length };
  const json: Obj = { meta: { sent: sent(now), summary } };
  if (data.length) json.data = data;
  if (errors.length) json.errors = errors;
  return { status: 200, json };
}

function deleteRules(state: SandboxState, now: number, del: unknown, dryRun: boolean): SandboxResponse {
  if (!isObj(del)) return invalidRequest('delete must be an object with ids or values');
  const ids = Array.isArray(del.ids) ? del.ids : [];
  const values = Array.isArray(del.values) ? del.values : [];
  if (ids.length + values.length === 0) return invalidRequest('delete needs ids or values');
  const bad = ids.find((id) => typeof id !== 'string' || !SNOWFLAKE.test(id));
  if (bad !== undefined) return invalidRequest(`delete.ids value [${String(bad)}] does not match ^[0-9]{1,19}$`);
  const targets: string[] = [];
  const errors: Obj[] = [];
  for (const id of ids as string[]) {
    if (state.streamRules.has(id)) targets.push(id);
    else
      errors.push({ id, title: 'Not Found Error', detail: `Rule ${id} does not exist`, type: `${PROBLEMS}/resource-not-found` });
  }
  for (const value of values) {
    const rule = [...state.streamRules.values()].find((r) => r.value === value);
    if (rule) targets.push(rule.id);
    else errors.push({ value, title: 'Not Found Error', detail: 'Rule does not exist', type: `${PROBLEMS}/resource-not-found` });
  }
  if (!dryRun) for (const id of targets) state.streamRules.delete(id);
  const json: Obj = { meta: { sent: sent(now), summary: { deleted: targets.length, not_deleted: errors.length } } };
  if (errors.length) json.errors = errors;
  return { status: 200, json };
}

function link(state: SandboxState, now: number, req: SandboxRequest): SandboxResponse {
  const id = req.params.webhook_id!;
  if (!SNOWFLAKE.test(id)) return invalidRequest('webhook_id must match ^[0-9]{1,19}$');
  const unknown = [...req.query.keys()].find((k) => !LINK_PARAMS.includes(k));
  if (unknown) return invalidRequest(`The query parameter [${unknown}] is not one of [${LINK_PARAMS.join(',')}]`);
  if (!state.webhooks.has(id)) return refused('WebhookIdInvalid', `no webhook with id ${id} belongs to this app`);
  const fields = [...req.query.entries()].map(([k, v]) => `${k}=${v}`);
  state.streamWebhooks.set(id, { created_at: state.streamWebhooks.get(id)?.created_at ?? sent(now), fields });
  return { status: 200, json: { data: { provisioned: true } } };
}

function listLinks(state: SandboxState): SandboxResponse {
  const data = [...state.streamWebhooks.entries()].map(([webhook_id, l]) => ({
    application_id: SANDBOX_APPLICATION_ID,
    business_user_id: state.authenticatedUserId,
    created_at: l.created_at,
    fields: l.fields,
    instance_id: `filtered-stream-${SANDBOX_APPLICATION_ID}`,
    webhook_id,
  }));
  return { status: 200, json: { data } };
}

function unlink(state: SandboxState, req: SandboxRequest): SandboxResponse {
  const id = req.params.webhook_id!;
  if (!SNOWFLAKE.test(id)) return invalidRequest('webhook_id must match ^[0-9]{1,19}$');
  if (!state.streamWebhooks.delete(id)) {
    return problem(404, {
      errors: [{ message: `webhook ${id} is not linked to the filtered stream` }],
      title: 'Not Found Error',
      detail: `Could not find a stream link for webhook_id: [${id}].`,
      type: `${PROBLEMS}/resource-not-found`,
      status: 404,
    });
  }
  return { status: 200, json: { data: { deleted: true } } };
}

export const registerStreamRulesRoutes: RouteModule = (app) => {
  const { state } = app;
  app.route('GET', '/2/tweets/search/stream/rules', (req) => listRules(state, app.now(), req));
  app.route(
    'POST',
    '/2/tweets/search/stream/rules',
    changing(app, (req) => changeRules(state, app.now(), req)),
  );
  // Not in the OpenAPI (the quickstart's spelling), so its auth is given here: bearer, as the other.
  const bearer = { auth: ['bearer'] as const };
  for (const base of ['/2/tweets/search/webhooks', '/2/tweets/search/stream/webhooks']) {
    app.route('GET', base, () => listLinks(state), bearer);
    // X takes the fields of the delivered posts here, though its description lists no query parameters.
    app.route(
      'POST',
      `${base}/:webhook_id`,
      changing(app, (req) => link(state, app.now(), req)),
      { ...bearer, validate: { query: false } },
    );
    app.route(
      'DELETE',
      `${base}/:webhook_id`,
      changing(app, (req) => unlink(state, req)),
      bearer,
    );
  }
};

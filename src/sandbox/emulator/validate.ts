// Request validation as X does it, compiled with ajv from X's OpenAPI description
// (src/sandbox/emulator/operations.generated.ts): query and path parameters, and JSON bodies, answered with
// X's 400 `invalid-request` problem and its messages.
//
// X's description (2.167) spells post fields and expansions the new way (`post.fields`,
// `referenced_posts`, `edit_history_post_ids`); the API and every client still send `tweet.fields`,
// `referenced_tweets.id`, `edit_history_tweet_ids`. Both spellings are accepted; messages list the
// API's. The `*.fields` enums also leave out some properties of their objects (`author_id`), which X
// accepts: the allowed values are the enum plus the object schema's properties.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { importExternal } from '../../startup/external.js';
import type { OperationParam, OperationSpec } from './operation-types.js';
import { COMPONENT_SCHEMAS, FIELD_OBJECT_PROPERTIES, OPERATIONS } from './operations.generated.js';
import { invalidRequest, problem } from './problems.js';
import type { SandboxResponse } from './router.js';

type Schema = Record<string, unknown>;

/** The API's spelling of a name X's description writes with "post" (`post.fields` → `tweet.fields`). */
export function apiSpelling(name: string): string {
  return name.replace(/(^|[._])post(s?)(?=$|[._])/g, '$1tweet$2');
}

/** Values the API takes besides the description's: the API names of expansions the description renamed. */
const EXTRA_EXPANSIONS: Record<string, string[]> = {
  referenced_tweets: ['referenced_tweets.id', 'referenced_tweets.id.author_id'],
};

/** The object each `*.fields` parameter selects properties of. */
const FIELD_OBJECTS: Record<string, string> = {
  'tweet.fields': 'Post',
  'user.fields': 'User',
  'media.fields': 'Media',
  'poll.fields': 'Poll',
  'place.fields': 'Place',
  'list.fields': 'List',
  'dm_event.fields': 'DmEvent',
  'space.fields': 'Space',
};

/** RFC 3339 date-time, as X's `start_time`/`end_time` take it. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** How a parameter's values are allowed: enum lists widened and spelled the API's way. */
function apiParamSchema(param: OperationParam): Schema {
  const schema = param.schema;
  const items = schema.items as Schema | undefined;
  if (schema.type !== 'array' || !Array.isArray(items?.enum)) return schema;
  const name = apiSpelling(param.name);
  const values = new Set<string>();
  for (const value of items.enum as string[]) {
    const api = apiSpelling(value);
    for (const v of name === 'expansions' ? (EXTRA_EXPANSIONS[api] ?? [api]) : [api]) values.add(v);
  }
  const object = FIELD_OBJECTS[name];
  if (object) for (const property of FIELD_OBJECT_PROPERTIES[object] ?? []) values.add(apiSpelling(property));
  return { ...schema, items: { ...items, enum: [...values].sort() } };
}

/**
 * The schema with X's component `$ref`s replaced by the components themselves: ajv compiles an
 * inlined schema tens of times faster than one that points into a large shared document. A
 * component that contains itself is left open (`{}`) at the second level.
 */
function inline(node: unknown, expanding: readonly string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, expanding));
  if (!node || typeof node !== 'object') return node;
  const ref = (node as Schema).$ref;
  if (typeof ref === 'string') {
    const name = ref.split('/').pop()!;
    return expanding.includes(name) ? {} : inline(COMPONENT_SCHEMAS[name] ?? {}, [...expanding, name]);
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) out[key] = inline(value, expanding);
  return out;
}

interface CompiledOperation {
  params: Map<string, { param: OperationParam; schema: Schema; isArray: boolean }>;
  /** Parameter names in X's order, for "is not one of [...]". */
  names: string[];
  query: ValidateFunction;
  path?: ValidateFunction;
  body?: ValidateFunction;
  spec: OperationSpec;
}

interface AjvLike {
  compile(schema: Schema): ValidateFunction;
}

type AjvConstructor = new (options: Record<string, unknown>) => AjvLike;

export interface RequestToValidate {
  query: URLSearchParams;
  /** Path segments of the request, matched against the operation's template. */
  path: string;
  /** The parsed JSON body, when the request has one. */
  json?: unknown;
  hasJsonBody: boolean;
  /** The request's media type (`multipart/form-data`): a body the operation takes in another type than JSON is its handler's to read. */
  mediaType: string;
  /** Which parts to check (a route may leave one to its handler). */
  parts?: { query: boolean; body: boolean };
}

let shared: Promise<RequestValidator> | undefined;

export class RequestValidator {
  private readonly compiled = new Map<string, CompiledOperation>();
  private readonly byKey = new Map<string, OperationSpec>();

  /** `params` coerces query strings to the schema's types; `bodies` does not (X refuses `"text": 5`). */
  private constructor(private readonly ajv: { params: AjvLike; bodies: AjvLike }) {
    for (const op of OPERATIONS) this.byKey.set(`${op.method} ${op.path}`, op);
  }

  /**
   * Loads ajv (kept out of the CLI bundle). One validator per process: compiling costs tens of
   * milliseconds per operation, so sandboxes started in one process share what was compiled.
   */
  static load(): Promise<RequestValidator> {
    shared ??= RequestValidator.create();
    return shared;
  }

  private static async create(): Promise<RequestValidator> {
    const mod = await importExternal<{ default: AjvConstructor | { default: AjvConstructor } }>('ajv');
    const Ajv = 'default' in mod.default ? mod.default.default : mod.default;
    const make = (coerceTypes: boolean) => {
      const ajv = new Ajv({
        strict: false,
        allErrors: true,
        verbose: true,
        coerceTypes,
        // Unoptimised code compiles about twice as fast; requests are few.
        code: { optimize: false },
        formats: { 'date-time': RFC3339, int32: true, int64: true, binary: true, byte: true, uri: true },
      });
      return ajv;
    };
    return new RequestValidator({ params: make(true), bodies: make(false) });
  }

  /** The description's operation for a method and path template (`/2/tweets/{id}`). */
  operation(method: string, template: string): OperationSpec | undefined {
    return this.byKey.get(`${method} ${template}`);
  }

  /** Compiled on first use: a sandbox serves a few routes, not all 178. */
  private compile(spec: OperationSpec): CompiledOperation {
    const key = `${spec.method} ${spec.path}`;
    let op = this.compiled.get(key);
    if (op) return op;
    const params = new Map<string, { param: OperationParam; schema: Schema; isArray: boolean }>();
    for (const param of spec.params) {
      if (param.in !== 'query' && param.in !== 'path') continue;
      const schema = apiParamSchema(param);
      params.set(apiSpelling(param.name), { param, schema, isArray: schema.type === 'array' });
    }
    const objectSchema = (where: string): Schema | undefined => {
      const own = [...params].filter(([, p]) => p.param.in === where);
      if (!own.length) return undefined;
      return inline({
        type: 'object',
        properties: Object.fromEntries(own.map(([name, p]) => [name, p.schema])),
        required: own.filter(([, p]) => p.param.required).map(([name]) => name),
        ...(where === 'query' ? { additionalProperties: false } : {}),
      }) as Schema;
    };
    const query = objectSchema('query');
    const path = objectSchema('path');
    op = {
      params,
      names: [...params].filter(([, p]) => p.param.in === 'query').map(([name]) => name),
      spec,
      query: this.ajv.params.compile(query ?? { type: 'object', additionalProperties: false }),
      ...(path ? { path: this.ajv.params.compile(path) } : {}),
      ...(spec.body ? { body: this.ajv.bodies.compile(inline(spec.body) as Schema) } : {}),
    };
    this.compiled.set(key, op);
    return op;
  }

  /** X's 400 for what the description does not allow, or undefined when the request is valid. */
  check(spec: OperationSpec, req: RequestToValidate): SandboxResponse | undefined {
    const op = this.compile(spec);
    const errors: Record<string, unknown>[] = [];

    const parts = req.parts ?? { query: true, body: true };
    // Path parameters: from the request path, by the template's {name} segments.
    if (op.path) {
      const values: Record<string, string> = {};
      const parts = req.path.replace(/\/+$/, '').split('/').filter(Boolean);
      spec.path
        .split('/')
        .filter(Boolean)
        .forEach((seg, i) => {
          if (seg.startsWith('{')) values[seg.slice(1, -1)] = safeDecode(parts[i] ?? '');
        });
      if (!op.path(values)) for (const e of op.path.errors ?? []) errors.push(paramError(e, values, op));
    }

    // Query parameters: comma lists split, numbers coerced by ajv; names spelled the API's way.
    const values: Record<string, unknown> = {};
    const raw: Record<string, string> = {};
    for (const [given, value] of req.query) {
      const name = apiSpelling(given);
      if (name in raw) continue;
      raw[name] = value;
      const known = op.params.get(name);
      values[name] = known?.isArray
        ? value
            .split(',')
            .map((v) => (name === 'expansions' && v === 'referenced_posts' ? 'referenced_tweets.id' : apiSpelling(v)))
        : value;
    }
    if (parts.query && !op.query(values)) for (const e of op.query.errors ?? []) errors.push(paramError(e, raw, op));
    if (errors.length) return invalidRequestList(dedupe(errors));

    const otherBody = req.mediaType !== 'application/json' && (spec.bodyTypes ?? []).includes(req.mediaType);
    // A body "required" whose schema requires nothing (Account Activity's `{}`) may be left out.
    const needsBody = spec.bodyRequired && Array.isArray((inline(spec.body) as Schema).required);
    if (parts.body && op.body && needsBody && !req.hasJsonBody && !otherBody) return invalidRequest('A JSON body is required.');
    if (parts.body && op.body && req.hasJsonBody && !op.body(req.json)) {
      return invalidRequestList(dedupe((op.body.errors ?? []).map((e) => ({ message: bodyMessage(e) }))));
    }
    return undefined;
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function dedupe(errors: Record<string, unknown>[]): Record<string, unknown>[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = String(e.message);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function invalidRequestList(errors: Record<string, unknown>[]): SandboxResponse {
  const first = invalidRequest('');
  return problem(400, { ...(first.json as Record<string, unknown>), errors });
}

/** X's message for one parameter error, with `parameters: {name: [value]}`. */
function paramError(e: ErrorObject, raw: Record<string, string>, op: CompiledOperation): Record<string, unknown> {
  const segments = e.instancePath.split('/').filter(Boolean);
  const name = segments[0] ?? (e.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ?? '';
  const value = raw[name] ?? '';
  const item = segments.length > 1 ? String((e.data as unknown) ?? '') : value;
  const schema = op.params.get(name)?.schema ?? {};
  const at = (message: string, parameter = name, shown: string[] = [value]) => ({ parameters: { [parameter]: shown }, message });
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return at(`The query parameter [${extra}] is not one of [${op.names.join(',')}]`, extra, [raw[extra] ?? '']);
    }
    case 'required':
      return at(`The \`${name}\` query parameter can not be empty`, name, []);
    case 'enum':
      return at(
        `The \`${name}\` query parameter value [${item}] is not one of [${(e.params as { allowedValues: string[] }).allowedValues.join(',')}]`,
        name,
        [item],
      );
    case 'minimum':
    case 'maximum':
      return at(
        `The \`${name}\` query parameter value [${value}] is not between ${String(schema.minimum ?? 0)} and ${String(schema.maximum ?? Number.MAX_SAFE_INTEGER)}`,
      );
    case 'minItems':
    case 'maxItems':
      return at(
        `The number of values in the \`${name}\` query parameter list [${value.split(',').length}] is not between ${String(schema.minItems ?? 1)} and ${String(schema.maxItems ?? 'unlimited')}`,
      );
    case 'pattern':
      return at(
        `The \`${name}\` query parameter value [${item}] does not match ${(e.params as { pattern: string }).pattern}`,
        name,
        [item],
      );
    case 'format':
      return at(`The \`${name}\` query parameter value [${value}] is not a valid RFC3339 date-time, as in 2026-01-01T00:00:00Z`);
    case 'minLength':
      return value === ''
        ? at(`The \`${name}\` query parameter can not be empty`)
        : at(`The \`${name}\` query parameter value [${value}] is shorter than ${String(schema.minLength)} characters`);
    case 'maxLength':
      return at(
        `The \`${name}\` query parameter value [${value.slice(0, 64)}…] is longer than ${String(schema.maxLength)} characters`,
      );
    case 'type':
      return at(`The \`${name}\` query parameter value [${item}] is not a valid ${(e.params as { type: string }).type}`, name, [
        item,
      ]);
    case 'uniqueItems':
      return at(`The \`${name}\` query parameter value [${value}] repeats a value`);
    default:
      return at(`The \`${name}\` query parameter value [${value}] is not valid: ${e.message ?? e.keyword}`);
  }
}

/** X's body messages (its validator's wording): `$.path: reason`. */
function bodyMessage(e: ErrorObject): string {
  const path = `$${e.instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')}`;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${path}.${String(p.additionalProperty)}: is not defined in the schema and the schema does not allow additional properties`;
    case 'required':
      return `${path}.${String(p.missingProperty)}: is missing but it is required`;
    case 'type':
      return `${path}: ${describeType(e.data)} found, ${String(p.type)} expected`;
    case 'enum':
      return `${path}: does not have a value in the enumeration [${(p.allowedValues as unknown[]).join(', ')}]`;
    case 'pattern':
      return `${path}: does not match the regex pattern ${String(p.pattern)}`;
    case 'minItems':
      return `${path}: there must be a minimum of ${String(p.limit)} items in the array`;
    case 'maxItems':
      return `${path}: there must be a maximum of ${String(p.limit)} items in the array`;
    case 'minLength':
      return `${path}: must be at least ${String(p.limit)} characters long`;
    case 'maxLength':
      return `${path}: may only be ${String(p.limit)} characters long`;
    case 'minimum':
      return `${path}: must have a minimum value of ${String(p.limit)}`;
    case 'maximum':
      return `${path}: must have a maximum value of ${String(p.limit)}`;
    default:
      return `${path}: ${e.message ?? e.keyword}`;
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

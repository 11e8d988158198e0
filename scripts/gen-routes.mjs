#!/usr/bin/env node
// Generates from X's OpenAPI description src/http/routes.generated.ts (the route table xcli and the
// sandbox use) and src/sandbox/emulator/operations.generated.ts (each operation's parameters and JSON body
// schema, with the component schemas they reference, from which the sandbox compiles validators).
// Usage: node scripts/gen-routes.mjs [--check] [path/to/openapi.json]
// Default input: spec/x-api/openapi.json (committed; see spec/x-api/README.md).
// --check writes nothing and exits 1 when the committed table differs from what would be generated.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const input = resolve(args.find((a) => a !== '--check') ?? resolve(root, 'spec/x-api/openapi.json'));
const output = resolve(root, 'src/http/routes.generated.ts');
const operationsOutput = resolve(root, 'src/sandbox/emulator/operations.generated.ts');
const spec = JSON.parse(readFileSync(input, 'utf8'));

const AUTH_KIND = { BearerToken: 'bearer', OAuth2UserToken: 'oauth2', UserToken: 'oauth1' };
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function deref(param) {
  if (!param.$ref) return param;
  const name = param.$ref.split('/').pop();
  return spec.components.parameters[name];
}

function schemaType(schema) {
  if (!schema) return 'string';
  if (schema.$ref) return schema.$ref.split('/').pop();
  if (schema.type === 'array') return `${schemaType(schema.items)}[]`;
  return schema.type ?? 'string';
}

/** Schemas without prose: descriptions and examples do not validate anything. */
function strip(schema) {
  if (Array.isArray(schema)) return schema.map(strip);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' || key === 'example') continue;
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v)])) : strip(value);
  }
  return out;
}

/** Component schemas the operations reference, transitively. */
const referenced = new Set();
function collectRefs(node) {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(collectRefs);
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      const name = value.split('/').pop();
      if (!referenced.has(name)) {
        referenced.add(name);
        collectRefs(spec.components.schemas[name]);
      }
    } else collectRefs(value);
  }
}

const FIELD_OBJECTS = ['DmEvent', 'List', 'Media', 'Place', 'Poll', 'Post', 'Space', 'User'];
const routes = [];
const operations = [];
for (const [path, item] of Object.entries(spec.paths)) {
  for (const method of METHODS) {
    const op = item[method];
    if (!op) continue;
    const auth = [];
    const scopes = new Set();
    for (const requirement of op.security ?? []) {
      for (const [scheme, list] of Object.entries(requirement)) {
        const kind = AUTH_KIND[scheme];
        if (kind && !auth.includes(kind)) auth.push(kind);
        if (scheme === 'OAuth2UserToken') for (const s of list) scopes.add(s);
      }
    }
    const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref).filter(Boolean);
    const names = params.map((p) => p.name);
    // The page-token parameter differs by route: prefer pagination_token, else next_token.
    const pageParam = names.includes('pagination_token')
      ? 'pagination_token'
      : names.includes('next_token')
        ? 'next_token'
        : undefined;
    const maxResults = params.find((p) => p.name === 'max_results' && p.in === 'query');
    const body = op.requestBody?.content?.['application/json']?.schema;
    operations.push({
      method: method.toUpperCase(),
      path,
      operationId: op.operationId ?? '',
      params: params.map((p) => ({ name: p.name, in: p.in, required: p.required === true, schema: strip(p.schema ?? {}) })),
      ...(body
        ? {
            body: strip(body),
            bodyRequired: op.requestBody.required === true,
            bodyTypes: Object.keys(op.requestBody.content).sort(),
          }
        : {}),
    });
    collectRefs(params.map((p) => p.schema));
    collectRefs(body);
    routes.push({
      method: method.toUpperCase(),
      path,
      operationId: op.operationId ?? '',
      summary: (op.summary ?? '').trim(),
      streaming: op['x-twitter-streaming'] === true,
      auth,
      scopes: [...scopes].sort(),
      pageParam,
      maxResults: maxResults?.schema?.maximum,
      params: params.map((p) => ({
        name: p.name,
        in: p.in,
        required: p.required === true,
        type: schemaType(p.schema),
      })),
    });
  }
}
routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));

const header = `// Generated by scripts/gen-routes.mjs from X's OpenAPI description (${spec.info?.title ?? 'X API'} ${spec.info?.version ?? ''}).
// Do not edit by hand: run \`npm run gen:routes\`.
import type { RouteFact } from './route-types.js';

export const ROUTES: readonly RouteFact[] = [
`;
// One line per route: a diff shows which routes changed, not 38 lines of each.
const lines = (items) => items.map((item) => ` ${JSON.stringify(item)},\n`).join('');
const routesText = `${header}${lines(routes)}];\n`;
operations.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
const schemaNames = [...referenced].sort();
const operationsText = `// Generated by scripts/gen-routes.mjs from X's OpenAPI description (${spec.info?.title ?? 'X API'} ${spec.info?.version ?? ''}).
// Do not edit by hand: run \`npm run gen:routes\`. Each operation's parameters and JSON body schema
// (prose removed), and the component schemas they reference; src/sandbox/emulator/validate.ts compiles them.
import type { OperationSpec } from './operation-types.js';

export const OPERATIONS: readonly OperationSpec[] = [
${lines(operations)}];

export const COMPONENT_SCHEMAS: Readonly<Record<string, unknown>> = {
${schemaNames.map((name) => ` ${JSON.stringify(name)}: ${JSON.stringify(strip(spec.components.schemas[name]))},\n`).join('')}};

/** The properties of the objects \`*.fields\` parameters select from (their enums leave some out). */
export const FIELD_OBJECT_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
${FIELD_OBJECTS.map((name) => ` ${JSON.stringify(name)}: ${JSON.stringify(Object.keys(spec.components.schemas[name]?.properties ?? {}).sort())},\n`).join('')}};
`;
const outputs = [
  [output, routesText],
  [operationsOutput, operationsText],
];
if (check) {
  let stale = false;
  for (const [file, text] of outputs) {
    if (readFileSync(file, 'utf8') !== text) {
      console.error(`${file} is not what ${input} generates: run \`npm run gen:routes\``);
      stale = true;
    }
  }
  if (stale) process.exit(1);
  console.error(`${output} and ${operationsOutput} match ${routes.length} routes of ${input}`);
} else {
  for (const [file, text] of outputs) writeFileSync(file, text);
  console.error(`wrote ${routes.length} routes to ${output} and ${operationsOutput}`);
}

// Type checks for config.json as read from disk: a hand-edited or half-written file must be
// reported (with the JSON path of the first problem), not half-used. Unknown keys are kept.
import type { AppConfig, StoreData } from './types.js';

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(path: string, expected: string): never {
  throw new Error(`${path} should be ${expected}`);
}

function field(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function optionalString(obj: Obj, key: string, path: string): void {
  if (obj[key] !== undefined && typeof obj[key] !== 'string') fail(field(path, key), 'a string');
}

function requiredString(obj: Obj, key: string, path: string): void {
  if (typeof obj[key] !== 'string') fail(field(path, key), 'a string');
}

function checkApp(app: unknown, path: string): void {
  if (!isObject(app)) fail(path, 'an object');
  for (const key of ['clientId', 'clientSecret', 'redirectUri', 'bearerToken', 'defaultUser', 'apiBaseUrl'])
    optionalString(app, key, path);
  if (app.oauth1 !== undefined) {
    const o = app.oauth1;
    if (!isObject(o)) fail(`${path}.oauth1`, 'an object');
    requiredString(o, 'consumerKey', `${path}.oauth1`);
    requiredString(o, 'consumerSecret', `${path}.oauth1`);
    optionalString(o, 'accessToken', `${path}.oauth1`);
    optionalString(o, 'tokenSecret', `${path}.oauth1`);
  }
  if (app.oauth2Tokens !== undefined) {
    if (!isObject(app.oauth2Tokens)) fail(`${path}.oauth2Tokens`, 'an object');
    for (const [user, token] of Object.entries(app.oauth2Tokens)) {
      const p = `${path}.oauth2Tokens[${JSON.stringify(user)}]`;
      if (!isObject(token)) fail(p, 'an object');
      requiredString(token, 'accessToken', p);
      optionalString(token, 'refreshToken', p);
      if (token.expiresAt !== undefined && (typeof token.expiresAt !== 'number' || !Number.isFinite(token.expiresAt)))
        fail(`${p}.expiresAt`, 'a number');
      if (token.scopes !== undefined && !(Array.isArray(token.scopes) && token.scopes.every((s) => typeof s === 'string'))) {
        fail(`${p}.scopes`, 'a list of strings');
      }
    }
  }
}

/** Returns `data` typed as StoreData, or throws an Error saying which field is wrong. */
export function validateStoreData(data: unknown): StoreData {
  if (!isObject(data)) fail('the top level', 'an object');
  if (data.version !== undefined && typeof data.version !== 'number') fail('version', 'a number');
  optionalString(data, 'defaultApp', '');
  optionalString(data, 'ngrokAuthtoken', '');
  if (data.apps === undefined) data.apps = {};
  if (!isObject(data.apps)) fail('apps', 'an object');
  for (const [name, app] of Object.entries(data.apps)) checkApp(app, `apps[${JSON.stringify(name)}]`);
  const apps = data.apps as Record<string, AppConfig>;
  if (typeof data.defaultApp === 'string' && !Object.hasOwn(apps, data.defaultApp)) {
    throw new Error(`defaultApp ${JSON.stringify(data.defaultApp)} is not one of its apps`);
  }
  return data as unknown as StoreData;
}

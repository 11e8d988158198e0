// Lists: create, look up, update, delete, members, and a user's owned lists.
import type { SandboxApp } from '../app.js';
import { notFound, problem } from '../problems.js';
import type { SandboxRequest, SandboxResponse } from '../router.js';
import { byNewest, edges, nextId, type SandboxList, type SandboxState } from '../store.js';
import { page, postsPage, userView, type World } from '../views.js';
import { actingUser, isResponse } from './users.js';

type Obj = Record<string, unknown>;

const LIST_DEFAULTS = ['id', 'name'];

function listView(state: SandboxState, list: SandboxList, query: URLSearchParams): Obj {
  let followers = 0;
  for (const set of state.listFollows.values()) if (set.has(list.id)) followers++;
  const full: Obj = { ...list, member_count: list.member_ids.length, follower_count: followers };
  delete full.member_ids;
  const wanted = [...LIST_DEFAULTS, ...(query.get('list.fields') ?? '').split(',').map((s) => s.trim())];
  if ((query.get('expansions') ?? '').split(',').includes('owner_id')) wanted.push('owner_id');
  return Object.fromEntries(Object.entries(full).filter(([k]) => wanted.includes(k)));
}

function listIncludes(app: World, lists: SandboxList[], query: URLSearchParams): Obj | undefined {
  if (!(query.get('expansions') ?? '').split(',').includes('owner_id')) return undefined;
  const owners = [...new Set(lists.map((l) => l.owner_id))].map((id) => app.state.users.get(id)).filter((u) => !!u);
  return owners.length ? { users: owners.map((u) => userView(app, u, query)) } : undefined;
}

function forbidden(detail: string): SandboxResponse {
  return problem(403, { detail, type: 'about:blank', title: 'Forbidden', status: 403 });
}

/** The list named by `:id` when the request's user owns it; a response otherwise. */
function ownedList(state: SandboxState, req: SandboxRequest): SandboxList | SandboxResponse {
  const list = state.lists.get(req.params.id!);
  if (!list) return notFound('list', 'id', req.params.id!);
  if (list.owner_id !== req.auth.userId) return forbidden('You are not allowed to change a list you do not own.');
  return list;
}

export function registerListRoutes(app: SandboxApp): void {
  const { state } = app;

  app.route('POST', '/2/lists', (req) => {
    const body = req.json as { name: string; description?: string; private?: boolean };
    const now = app.now();
    const list: SandboxList = {
      id: nextId(state, now),
      name: body.name,
      description: body.description ?? '',
      private: body.private ?? false,
      owner_id: req.auth.userId!,
      created_at: new Date(now).toISOString(),
      member_ids: [],
    };
    state.lists.set(list.id, list);
    app.changed();
    return { status: 200, json: { data: { id: list.id, name: list.name } } };
  });

  app.route('GET', '/2/lists/:id', (req) => {
    const list = state.lists.get(req.params.id!);
    if (!list) return notFound('list', 'id', req.params.id!);
    const includes = listIncludes(app, [list], req.query);
    return { status: 200, json: { data: listView(state, list, req.query), ...(includes ? { includes } : {}) } };
  });

  app.route('PUT', '/2/lists/:id', (req) => {
    const list = ownedList(state, req);
    if (isResponse(list)) return list;
    const body = (req.json ?? {}) as { name?: string; description?: string; private?: boolean };
    if (body.name !== undefined) list.name = body.name;
    if (body.description !== undefined) list.description = body.description;
    if (body.private !== undefined) list.private = body.private;
    app.changed();
    return { status: 200, json: { data: { updated: true } } };
  });

  app.route('DELETE', '/2/lists/:id', (req) => {
    const list = ownedList(state, req);
    if (isResponse(list)) return list;
    state.lists.delete(list.id);
    for (const set of state.listFollows.values()) set.delete(list.id);
    app.changed();
    return { status: 200, json: { data: { deleted: true } } };
  });

  app.route('POST', '/2/lists/:id/members', (req) => {
    const list = ownedList(state, req);
    if (isResponse(list)) return list;
    const userId = (req.json as { user_id: string }).user_id;
    if (!state.users.has(userId)) return notFound('user', 'user_id', userId);
    if (!list.member_ids.includes(userId)) list.member_ids.push(userId);
    app.changed();
    return { status: 200, json: { data: { is_member: true } } };
  });

  app.route('DELETE', '/2/lists/:id/members/:user_id', (req) => {
    const list = ownedList(state, req);
    if (isResponse(list)) return list;
    list.member_ids = list.member_ids.filter((id) => id !== req.params.user_id);
    app.changed();
    return { status: 200, json: { data: { is_member: false } } };
  });

  app.route('GET', '/2/lists/:id/members', (req) => {
    const list = state.lists.get(req.params.id!);
    if (!list) return notFound('list', 'id', req.params.id!);
    const members = list.member_ids
      .map((id) => state.users.get(id))
      .filter((u) => !!u)
      .reverse();
    return page(members, req.query, { tokenParams: ['pagination_token'], min: 1, max: 100, default: 100 }, (u) =>
      userView(app, u, req.query),
    );
  });

  app.route('GET', '/2/lists/:id/tweets', (req) => {
    const list = state.lists.get(req.params.id!);
    if (!list) return notFound('list', 'id', req.params.id!);
    const posts = [...state.posts.values()].filter((p) => list.member_ids.includes(p.author_id)).sort(byNewest);
    return postsPage(app, posts, req.query, { tokenParams: ['pagination_token'], min: 1, max: 100, default: 100 });
  });

  app.route('GET', '/2/users/:id/owned_lists', (req) => {
    const id = req.params.id!;
    if (!state.users.has(id)) return notFound('user', 'id', id);
    const lists = [...state.lists.values()]
      .filter((l) => l.owner_id === id && (!l.private || l.owner_id === req.auth.userId))
      .reverse();
    const shown: SandboxList[] = [];
    const res = page(lists, req.query, { tokenParams: ['pagination_token'], min: 1, max: 100, default: 100 }, (l) => {
      shown.push(l);
      return listView(state, l, req.query);
    });
    const includes = listIncludes(app, shown, req.query);
    if (includes && res.status === 200) (res.json as Obj).includes = includes;
    return res;
  });

  app.route('POST', '/2/users/:id/followed_lists', (req) => {
    const me = actingUser(state, req, req.params.id!);
    if (isResponse(me)) return me;
    const listId = (req.json as { list_id: string }).list_id;
    if (!state.lists.has(listId)) return notFound('list', 'list_id', listId);
    edges(state.listFollows, me.id).add(listId);
    app.changed();
    return { status: 200, json: { data: { following: true } } };
  });

  app.route('DELETE', '/2/users/:id/followed_lists/:list_id', (req) => {
    const me = actingUser(state, req, req.params.id!);
    if (isResponse(me)) return me;
    if (state.listFollows.get(me.id)?.delete(req.params.list_id!)) app.changed();
    return { status: 200, json: { data: { following: false } } };
  });
}

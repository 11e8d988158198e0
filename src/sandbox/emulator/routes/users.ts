// Users and follows: /2/users/me, lookups by id and username, followers/following pages, follow/unfollow.
import type { SandboxApp } from '../app.js';
import { emitActivity } from '../events.js';
import { invalidRequest, notFound, notFoundItem, problem } from '../problems.js';
import type { SandboxRequest, SandboxResponse } from '../router.js';
import { edges, findUserByUsername, publicUser, type SandboxState, type SandboxUser } from '../store.js';
import { page, userView, usersBody } from '../views.js';

const FOLLOW_PAGE = { tokenParams: ['pagination_token'], min: 1, max: 1000, default: 100 };

/** 403 when a user-context token acts on another user's resource (`/2/users/:id/...` with a foreign id). */
export function notYourself(): SandboxResponse {
  return problem(403, {
    title: 'Forbidden',
    type: 'about:blank',
    status: 403,
    detail: 'You are not permitted to perform this action on behalf of another user.',
  });
}

/**
 * The acting user of a user-context request whose path names a user id; a response when the id is
 * malformed, unknown or not the token's user.
 */
export function actingUser(state: SandboxState, req: SandboxRequest, id: string): SandboxUser | SandboxResponse {
  if (!/^\d{1,19}$/.test(id))
    return invalidRequest(`The \`id\` query parameter value [${id}] does not match ^[0-9]{1,19}$`, { parameters: { id: [id] } });
  if (req.auth.userId !== id) return notYourself();
  return state.users.get(id) ?? notFound('user', 'id', id);
}

export const isResponse = (v: unknown): v is SandboxResponse => typeof v === 'object' && v !== null && 'status' in v;

function followUser(_state: SandboxState, user: SandboxUser): unknown {
  return { data: publicUser(user) };
}

export function registerUserRoutes(app: SandboxApp): void {
  const { state } = app;

  app.route('GET', '/2/users/me', (req) => {
    const user = state.users.get(req.auth.userId ?? '');
    return user ? { status: 200, json: usersBody(app, [user], req.query, true) } : notFound('user', 'id', req.auth.userId ?? '');
  });

  app.route('GET', '/2/users/:id', (req) => {
    const user = state.users.get(req.params.id!);
    return user ? { status: 200, json: usersBody(app, [user], req.query, true) } : notFound('user', 'id', req.params.id!);
  });

  app.route('GET', '/2/users', (req) => {
    const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length === 0 || ids.length > 100) return invalidRequest('The `ids` query parameter must list 1 to 100 user ids');
    const found = ids.map((id) => state.users.get(id)).filter((u): u is SandboxUser => !!u);
    const errors = ids.filter((id) => !state.users.has(id)).map((id) => notFoundItem('user', 'ids', id));
    return {
      status: 200,
      json: { ...(found.length ? usersBody(app, found, req.query, false) : {}), ...(errors.length ? { errors } : {}) },
    };
  });

  app.route('GET', '/2/users/by/username/:username', (req) => {
    const name = req.params.username!;
    if (!/^\w{1,15}$/.test(name))
      return invalidRequest(`The \`username\` query parameter value [${name}] does not match ^[A-Za-z0-9_]{1,15}$`, {
        parameters: { username: [name] },
      });
    const user = findUserByUsername(state, name);
    return user ? { status: 200, json: usersBody(app, [user], req.query, true) } : notFound('user', 'username', name);
  });

  app.route('GET', '/2/users/by', (req) => {
    const names = (req.query.get('usernames') ?? '').split(',').filter(Boolean);
    if (names.length === 0 || names.length > 100)
      return invalidRequest('The `usernames` query parameter must list 1 to 100 usernames');
    const found = names.map((n) => findUserByUsername(state, n)).filter((u): u is SandboxUser => !!u);
    const errors = names.filter((n) => !findUserByUsername(state, n)).map((n) => notFoundItem('user', 'usernames', n));
    return {
      status: 200,
      json: { ...(found.length ? usersBody(app, found, req.query, false) : {}), ...(errors.length ? { errors } : {}) },
    };
  });

  // Newest first, as X lists followers.
  app.route('GET', '/2/users/:id/following', (req) => {
    if (!state.users.has(req.params.id!)) return notFound('user', 'id', req.params.id!);
    const ids = [...(state.follows.get(req.params.id!) ?? [])].reverse();
    return page(ids, req.query, FOLLOW_PAGE, (id) => userView(app, state.users.get(id)!, req.query));
  });

  app.route('GET', '/2/users/:id/followers', (req) => {
    const id = req.params.id!;
    if (!state.users.has(id)) return notFound('user', 'id', id);
    const ids = [...state.follows]
      .filter(([, targets]) => targets.has(id))
      .map(([follower]) => follower)
      .reverse();
    return page(ids, req.query, FOLLOW_PAGE, (fid) => userView(app, state.users.get(fid)!, req.query));
  });

  app.route('POST', '/2/users/:id/following', (req) => {
    const me = actingUser(state, req, req.params.id!);
    if (isResponse(me)) return me;
    const targetId = (req.json as { target_user_id?: unknown } | undefined)?.target_user_id;
    if (typeof targetId !== 'string' || !/^\d{1,19}$/.test(targetId))
      return invalidRequest('`target_user_id` is required and must be a user id');
    const target = state.users.get(targetId);
    if (!target) return notFound('user', 'target_user_id', targetId);
    if (targetId === me.id) return invalidRequest('You cannot follow yourself.');
    const following = edges(state.follows, me.id);
    if (!following.has(targetId)) {
      following.add(targetId);
      const payload = { source: followUser(state, me), target: followUser(state, target) };
      emitActivity(app, 'follow.follow', { userId: me.id, payload, direction: 'outbound' });
      emitActivity(app, 'follow.follow', { userId: targetId, actorId: me.id, payload, direction: 'inbound' });
      app.changed();
    }
    return { status: 200, json: { data: { following: true, pending_follow: target.protected } } };
  });

  app.route('DELETE', '/2/users/:source_user_id/following/:target_user_id', (req) => {
    const me = actingUser(state, req, req.params.source_user_id!);
    if (isResponse(me)) return me;
    const targetId = req.params.target_user_id!;
    const following = edges(state.follows, me.id);
    if (following.delete(targetId)) {
      const target = state.users.get(targetId);
      const payload = { source: followUser(state, me), target: target ? followUser(state, target) : { data: { id: targetId } } };
      emitActivity(app, 'follow.unfollow', { userId: me.id, payload, direction: 'outbound' });
      emitActivity(app, 'follow.unfollow', { userId: targetId, actorId: me.id, payload, direction: 'inbound' });
      app.changed();
    }
    return { status: 200, json: { data: { following: false } } };
  });
}

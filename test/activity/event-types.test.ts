import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, eventTypeInfo, filterProblem, lookupEventType, RETIRED_NAMES } from '../../src/activity/event-types.js';
import { parseSubscribeSpec, parseSubscribeSpecs } from '../../src/activity/subscribe-spec.js';
import { checkCreate, subscriptionOf } from '../../src/activity/subscriptions.js';
import { parseUserRef } from '../../src/activity/user-ref.js';
import { UsageError } from '../../src/errors.js';

describe('event types', () => {
  it('covers the OpenAPI create enum (aliases resolve to canonical names)', () => {
    const openapiEnum = [
      'profile.update.bio',
      'profile.update.profile_picture',
      'profile.update.banner_picture',
      'profile.update.screenname',
      'profile.update.geo',
      'profile.update.url',
      'profile.update.verified_badge',
      'profile.update.affiliate_badge',
      'profile.update.handle',
      'news.new',
      'follow.follow',
      'follow.unfollow',
      'spaces.start',
      'spaces.end',
      'broadcast.start',
      'broadcast.end',
      'broadcast.chat',
      'chat.received',
      'chat.sent',
      'chat.conversation.join',
      'chat.conversation_join',
      'chat.conversation.member_added',
      'chat.conversation.member_removed',
      'chat.conversation.admin_added',
      'chat.conversation.admin_removed',
      'chat.update.group_name',
      'chat.update.restrictions',
      'dm.sent',
      'dm.received',
      'dm.indicate_typing',
      'dm.read',
      'post.create',
      'post.delete',
      'post.mention.create',
      'post.reply.create',
      'post.quote.create',
      'post.repost.create',
      'like.create',
      'mute.mute',
      'mute.unmute',
      'block.block',
      'block.unblock',
    ];
    for (const name of openapiEnum) expect(lookupEventType(name).ok, name).toBe(true);
    expect(EVENT_TYPES.length).toBe(openapiEnum.length - 1);
  });

  it('maps retired PascalCase names with a note, and the chat alias', () => {
    const bio = lookupEventType('ProfileBioUpdate');
    expect(bio).toMatchObject({ ok: true, info: { name: 'profile.update.bio' } });
    expect(bio.ok && bio.note).toMatch(/retired.*profile\.update\.bio/);
    for (const [old, current] of Object.entries(RETIRED_NAMES))
      expect(lookupEventType(old)).toMatchObject({ ok: true, info: { name: current } });
    expect(lookupEventType('chat.conversation_join')).toMatchObject({ ok: true, info: { name: 'chat.conversation.join' } });
  });

  it('suggests the closest name for a typo and refuses nonsense without a suggestion', () => {
    const typo = lookupEventType('profile.updat.bio');
    expect(typo.ok).toBe(false);
    expect(!typo.ok && typo.message).toContain("did you mean 'profile.update.bio'?");
    const none = lookupEventType('completely-unrelated');
    expect(!none.ok && none.message).not.toContain('did you mean');
    expect(lookupEventType('oauth.revoke').ok).toBe(false);
  });

  it('knows which filter each type takes', () => {
    const bio = eventTypeInfo('profile.update.bio')!;
    expect(filterProblem(bio, { user_id: '1' })).toBeUndefined();
    expect(filterProblem(bio, { user_id: '1', keyword: 'x' })).toMatch(/does not take a keyword/);
    expect(filterProblem(bio, { user_id: '1', direction: 'inbound' })).toMatch(/does not take a direction/);
    expect(filterProblem(bio, {})).toMatch(/needs a user_id/);
    const news = eventTypeInfo('news.new')!;
    expect(filterProblem(news, { keyword: 'AI' })).toBeUndefined();
    expect(filterProblem(news, { user_id: '1' })).toMatch(/does not take a user_id/);
    const follow = eventTypeInfo('follow.follow')!;
    expect(filterProblem(follow, { user_id: '1', direction: 'outbound' })).toBeUndefined();
    expect(filterProblem(follow, { user_id: '1', direction: 'sent' })).toMatch(/direction must be inbound, outbound/);
    const dm = eventTypeInfo('dm.received')!;
    for (const d of ['inbound', 'outbound', 'sent', 'received'])
      expect(filterProblem(dm, { user_id: '1', direction: d })).toBeUndefined();
    expect(filterProblem(eventTypeInfo('mute.mute')!, { user_id: '1', direction: 'inbound' })).toMatch(
      /does not take a direction/,
    );
    expect(eventTypeInfo('like.create')!.scope).toBe('like.read');
    expect(eventTypeInfo('chat.sent')!.scope).toBe('dm.read');
    expect(eventTypeInfo('block.block')!.scope).toBe('block.read');
  });
});

describe('create checks and response shapes', () => {
  it('refuses what X would refuse before any request', () => {
    expect(() => checkCreate({ eventType: 'profile.update.bio', user: '@a', keyword: 'k' })).toThrow(/--keyword/);
    expect(() => checkCreate({ eventType: 'profile.update.bio' })).toThrow(/needs a --user/);
    expect(() => checkCreate({ eventType: 'profile.update.bio', user: '@a', tag: 'x'.repeat(201) })).toThrow(/1 to 200/);
    expect(() => checkCreate({ eventType: 'profile.update.bio', user: '@a', webhookId: 'abc' })).toThrow(UsageError);
    expect(checkCreate({ eventType: 'ProfileBioUpdate', user: '@a', tag: 'x'.repeat(200) })).toMatchObject({
      eventType: 'profile.update.bio',
      note: expect.stringContaining('retired'),
    });
  });

  it('reads the three documented create-response shapes', () => {
    const sub = { subscription_id: '5', event_type: 'post.create', filter: { user_id: '1' } };
    expect(subscriptionOf({ data: { subscription: sub } })?.subscription_id).toBe('5');
    expect(subscriptionOf({ data: sub })?.subscription_id).toBe('5');
    expect(subscriptionOf({ data: [sub], meta: { total_subscriptions: 1 } })?.subscription_id).toBe('5');
    expect(subscriptionOf({ errors: [] })).toBeUndefined();
  });
});

describe('--user and --subscribe spellings', () => {
  it('parses ids, handles and me', () => {
    expect(parseUserRef('2244994945')).toEqual({ id: '2244994945' });
    expect(parseUserRef('@XDevelopers')).toEqual({ handle: 'XDevelopers' });
    expect(parseUserRef('@me')).toEqual({ me: true });
    expect(() => parseUserRef('not a handle!')).toThrow(UsageError);
  });

  it('parses TYPE:@handle, TYPE (me) and news.new:KEYWORD, and needs --register', () => {
    expect(parseSubscribeSpec('post.create:@XDevelopers')).toMatchObject({ eventType: 'post.create', user: '@XDevelopers' });
    expect(parseSubscribeSpec('ProfileBioUpdate')).toMatchObject({
      eventType: 'profile.update.bio',
      user: 'me',
      note: expect.any(String),
    });
    expect(parseSubscribeSpec('news.new:AI')).toMatchObject({ eventType: 'news.new', keyword: 'AI' });
    expect(() => parseSubscribeSpec('post.creat:@a')).toThrow(/did you mean 'post.create'/);
    expect(() => parseSubscribeSpecs(['post.create:@a'], false)).toThrow(/needs --register/);
    expect(parseSubscribeSpecs(undefined, false)).toEqual([]);
  });
});

// The OAuth2 scopes X knows (OpenAPI securitySchemes, plus users.email from the docs).
export const ALL_SCOPES = [
  'tweet.read', 'tweet.write', 'tweet.moderate.write', 'users.read', 'users.email', 'follows.read', 'follows.write',
  'offline.access', 'space.read', 'mute.read', 'mute.write', 'like.read', 'like.write', 'list.read', 'list.write',
  'block.read', 'block.write', 'bookmark.read', 'bookmark.write', 'dm.read', 'dm.write', 'media.write',
  'broadcast.read', 'broadcast.write', 'timeline.read',
];

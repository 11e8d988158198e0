// Every route file of the sandbox, registered in order (later registrations win on equal routes).
// Other areas add their own file here with one import and one call.
import type { SandboxApp } from '../app.js';
import { registerAccountActivityRoutes } from './account-activity.js';
import { registerAdminRoutes } from './admin.js';
import { registerListRoutes } from './lists.js';
import { registerActivityRoutes } from './activity.js';
import { registerMcpRoutes } from './mcp.js';
import { registerMediaRoutes } from './media.js';
import { registerOAuth2Routes } from './oauth2.js';
import { registerSocialRoutes } from './social.js';
import { registerStreamRulesRoutes } from './stream-rules.js';
import { registerStreamRoutes } from './streams.js';
import { registerTweetRoutes } from './tweets.js';
import { registerUserRoutes } from './users.js';
import { registerWebhookRoutes } from './webhooks.js';

export function registerAllRoutes(app: SandboxApp): void {
  registerOAuth2Routes(app);
  registerUserRoutes(app);
  registerTweetRoutes(app);
  registerStreamRoutes(app);
  registerWebhookRoutes(app);
  registerAdminRoutes(app);
  registerActivityRoutes(app);
  registerAccountActivityRoutes(app);
  registerStreamRulesRoutes(app);
  registerMediaRoutes(app);
  registerSocialRoutes(app);
  registerListRoutes(app);
  registerMcpRoutes(app);
}

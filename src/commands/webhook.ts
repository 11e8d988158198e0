import type { Command } from 'commander';
import type { Context } from '../context.js';

// Placeholder until the webhook group lands.
export function registerWebhook(_program: Command, _ctx: Context): void {}

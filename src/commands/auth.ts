import type { Command } from 'commander';
import type { Context } from '../context.js';

// Placeholder until the auth group lands.
export function registerAuth(_program: Command, _ctx: Context): void {}

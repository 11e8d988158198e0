import type { Command } from 'commander';
import type { Context } from '../context.js';

// Placeholder until the request group lands.
export function registerRequest(_program: Command, _ctx: Context): void {}

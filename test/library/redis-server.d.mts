// Types of redis-server.mjs for the type-checked tests.
import type { ChildProcess } from 'node:child_process';

export const hasRedisServer: boolean;
export const REDIS_SKIP_NOTE: string;
export interface RedisServer {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}
export function startRedisServer(port?: number): Promise<RedisServer>;

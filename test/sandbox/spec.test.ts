import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

describe("X's OpenAPI description in the project", () => {
  it('regenerates the committed route table and operations byte for byte from spec/x-api/openapi.json', () => {
    const run = spawnSync(process.execPath, ['scripts/gen-routes.mjs', '--check'], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toContain('match 178 routes');
    expect(run.status).toBe(0);
  });
});

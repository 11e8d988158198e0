// Issue 19 item 6: the Account Activity deprecation note is said once a day per app, not on every
// call; the last time is kept in the state file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Fake, useFake } from './helpers.js';

let fake: Fake;
let webhookId: string;
useFake((f, id) => {
  fake = f;
  webhookId = id;
});

const NOTE = 'xcli: note: X is deprecating the Account Activity API in favour of the X Activity API';

describe('account-activity deprecation note', () => {
  it('prints on the first call, not on the next ones the same day, and again a day later', async () => {
    const status = () => fake.run(['account-activity', 'status', '--webhook', webhookId]);
    const first = await status();
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(NOTE);
    const second = await status();
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain(NOTE);
    expect((await fake.run(['account-activity', 'list', '--webhook', webhookId])).stderr).not.toContain(NOTE);

    // A day later (the remembered time moved back 25 h): said again.
    const stateFile = join(fake.env.XCLI_CONFIG_DIR!, 'state.json');
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    const [app] = Object.keys(state.accountActivityNoted);
    state.accountActivityNoted[app!] -= 25 * 3_600_000;
    writeFileSync(stateFile, JSON.stringify(state));
    expect((await status()).stderr).toContain(NOTE);
    expect((await status()).stderr).not.toContain(NOTE);
  });
});

// 100 pages: `xcli --paginate` through 100 pages of followers (max_results=1), against one curl
// fetching the same 100 page URLs over one keep-alive connection.
import { addFollowers, startFake } from '../lib/fake.mjs';
import { alternate, timeCommand } from '../lib/measure.mjs';
import { resultRow } from '../lib/report.mjs';

export const name = 'pages';

const PAGES = 100;
/** @X, a seed user of the sandbox nobody follows at first. */
const USER_ID = '783214';

/** The URL of every page, found by walking the fake's next_token chain once. */
async function pageUrls(first, bearer) {
  const urls = [];
  for (let url = first; url; ) {
    urls.push(url);
    const res = await fetch(url, { headers: { authorization: `Bearer ${bearer}` } });
    if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
    const token = (await res.json()).meta?.next_token;
    url = token ? `${first}&pagination_token=${encodeURIComponent(token)}` : undefined;
  }
  return urls;
}

export async function run({ xcliBin, env, runs }) {
  const fake = await startFake();
  try {
    addFollowers(fake.sandbox.state, USER_ID, PAGES);
    const path = `/2/users/${USER_ID}/followers?max_results=1`;
    const urls = await pageUrls(`${fake.url}${path}`, fake.env.X_BEARER_TOKEN);
    if (urls.length !== PAGES) throw new Error(`expected ${PAGES} pages, the fake has ${urls.length}`);
    const childEnv = { ...env, ...fake.env };
    const m = await alternate(
      () => timeCommand(process.execPath, [xcliBin, path, '--paginate'], { env: childEnv }),
      () => timeCommand('curl', ['-sf', '-H', `Authorization: Bearer ${fake.env.X_BEARER_TOKEN}`, ...urls], { env: childEnv }),
      { warmup: 2, runs },
    );
    // The floor: starting Node and doing nothing, against the same curl run.
    const floor = await alternate(
      () => timeCommand(process.execPath, ['-e', '0'], { env }),
      () => timeCommand('curl', ['-sf', '-H', `Authorization: Bearer ${fake.env.X_BEARER_TOKEN}`, ...urls], { env: childEnv }),
      { warmup: 2, runs },
    );
    return [
      resultRow({ name: '100 pages', unit: 'ms', xcli: m.xcli, baseline: m.baseline, target: { kind: 'ratio-max', value: 1.5 } }),
      resultRow({ name: '  node -e 0', unit: 'ms', xcli: floor.xcli, baseline: floor.baseline, target: { kind: 'reference' } }),
    ];
  } finally {
    await fake.close();
  }
}

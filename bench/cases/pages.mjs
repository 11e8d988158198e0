// 100 pages: `xcli --paginate` through 100 pages of followers (max_results=1), against a bare
// node:http client started as its own process that follows the same next_token chain over one
// keep-alive connection (bench/baselines/pages.mjs). curl fetching the same 100 URLs over one
// connection, and `node -e 0`, are reference rows against the same baseline.
import { fileURLToPath } from 'node:url';
import { addFollowers, bearerOnly, startFake } from '../lib/fake.mjs';
import { interleave, timeCommand } from '../lib/measure.mjs';
import { resultRow } from '../lib/report.mjs';

export const name = 'pages';

const PAGES = 100;
/** @X, a seed user of the sandbox nobody follows at first. */
const USER_ID = '783214';
const pagesScript = fileURLToPath(new URL('../baselines/pages.mjs', import.meta.url));

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

export async function run({ xcliBin, node, env, runs }) {
  const fake = await startFake();
  try {
    addFollowers(fake.sandbox.state, USER_ID, PAGES);
    const path = `/2/users/${USER_ID}/followers?max_results=1`;
    const urls = await pageUrls(`${fake.url}${path}`, fake.env.X_BEARER_TOKEN);
    if (urls.length !== PAGES) throw new Error(`expected ${PAGES} pages, the fake has ${urls.length}`);
    const childEnv = { ...env, ...bearerOnly(fake.env) };
    const m = await interleave(
      {
        baseline: () => timeCommand(node, [pagesScript, `${fake.url}${path}`], { env: childEnv }),
        xcli: () => timeCommand(node, [xcliBin, path, '--paginate'], { env: childEnv }),
        curl: () => timeCommand('curl', ['-sf', '-H', `Authorization: Bearer ${fake.env.X_BEARER_TOKEN}`, ...urls], { env }),
        nodeAlone: () => timeCommand(node, ['-e', '0'], { env }),
      },
      { warmup: 2, runs: runs * 2 + 1 },
    );
    const row = (label, runner, target) =>
      resultRow({ name: label, unit: 'ms', xcli: runner.median, baseline: m.baseline.median, ratio: runner.ratio, target });
    return [
      row('100 pages', m.xcli, { kind: 'ratio-max', value: 1.3 }),
      row('  curl, same 100 URLs', m.curl, { kind: 'reference' }),
      row('  node -e 0', m.nodeAlone, { kind: 'reference' }),
    ];
  } finally {
    await fake.close();
  }
}

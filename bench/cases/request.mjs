// One request: `xcli /2/tweets/20` against the fake X API, against a bare node:http script started
// as its own process doing the same GET with the same bearer token (bench/baselines/get.mjs).
import { fileURLToPath } from 'node:url';
import { bearerOnly, startFake } from '../lib/fake.mjs';
import { alternate, timeCommand } from '../lib/measure.mjs';
import { resultRow } from '../lib/report.mjs';

export const name = 'request';

const getScript = fileURLToPath(new URL('../baselines/get.mjs', import.meta.url));

export async function run({ xcliBin, node, env, runs }) {
  const fake = await startFake();
  try {
    const childEnv = { ...env, ...bearerOnly(fake.env) };
    const m = await alternate(
      () => timeCommand(node, [xcliBin, '/2/tweets/20'], { env: childEnv }),
      () => timeCommand(node, [getScript, `${fake.url}/2/tweets/20`], { env: childEnv }),
      { warmup: 3, runs: runs * 4 + 1 },
    );
    return [
      resultRow({
        name: 'one request',
        unit: 'ms',
        xcli: m.xcli,
        baseline: m.baseline,
        ratio: m.ratio,
        target: { kind: 'ratio-max', value: 1.3 },
      }),
    ];
  } finally {
    await fake.close();
  }
}

// One request: `xcli /2/tweets/20` against the local fake X API, against a 5-line node:http
// script doing the same GET (bench/baselines/get.mjs).
import { fileURLToPath } from 'node:url';
import { startFake } from '../lib/fake.mjs';
import { alternate, timeCommand } from '../lib/measure.mjs';
import { resultRow } from '../lib/report.mjs';

export const name = 'request';

const getScript = fileURLToPath(new URL('../baselines/get.mjs', import.meta.url));

export async function run({ xcliBin, env, runs }) {
  const fake = await startFake();
  try {
    const childEnv = { ...env, ...fake.env };
    const node = process.execPath;
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
        target: { kind: 'ratio-max', value: 1.5 },
      }),
    ];
  } finally {
    await fake.close();
  }
}

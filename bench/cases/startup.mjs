// Startup: `xcli --version` and `xcli --help` against `node -e 0` (Node's own start-up cost).
import { alternate, timeCommand } from '../lib/measure.mjs';
import { resultRow } from '../lib/report.mjs';

export const name = 'startup';

export async function run({ xcliBin, node, env, runs }) {
  const baseline = () => timeCommand(node, ['-e', '0'], { env });
  const rows = [];
  for (const [flag, limit] of [
    ['--version', 1.1],
    ['--help', 1.3],
  ]) {
    const m = await alternate(() => timeCommand(node, [xcliBin, flag], { env }), baseline, { warmup: 3, runs: runs * 4 + 1 });
    rows.push(
      resultRow({
        name: `startup ${flag}`,
        unit: 'ms',
        xcli: m.xcli,
        baseline: m.baseline,
        ratio: m.ratio,
        target: { kind: 'ratio-max', value: limit },
      }),
    );
  }
  return rows;
}

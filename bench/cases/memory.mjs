// Peak RSS (VmHWM) of `xcli -s` reading 1 GB of stream to /dev/null, and of `xcli media upload`
// sending a 500 MB file (sparse, made with truncate, deleted afterwards) to the fake X API.
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFake } from '../lib/fake.mjs';
import { peakRss } from '../lib/measure.mjs';
import { resultRow } from '../lib/report.mjs';
import { startStreamServer, streamArgs } from './stream.mjs';

export const name = 'memory';

const MB = 1000 * 1000;

export async function run({ xcliBin, node, env }) {
  const rows = [];
  const stream = await startStreamServer(env);
  try {
    const kb = await peakRss(node, [xcliBin, ...streamArgs(1000 * MB)], { env: stream.env });
    rows.push(
      resultRow({
        name: 'stream memory',
        unit: 'MB',
        xcli: (kb * 1024) / MB,
        target: { kind: 'abs-max', value: 120, unit: 'MB' },
      }),
    );
  } finally {
    await stream.stop(2000);
  }

  const fake = await startFake();
  const file = join(fake.configDir, 'upload.mp4');
  try {
    writeFileSync(file, '');
    truncateSync(file, 500 * MB);
    const kb = await peakRss(node, [xcliBin, 'media', 'upload', file, '--media-type', 'video/mp4', '--no-wait'], {
      env: { ...env, ...fake.env },
    });
    rows.push(
      resultRow({
        name: 'upload memory',
        unit: 'MB',
        xcli: (kb * 1024) / MB,
        target: { kind: 'abs-max', value: 150, unit: 'MB' },
      }),
    );
  } finally {
    rmSync(file, { force: true });
    await fake.close();
  }
  return rows;
}

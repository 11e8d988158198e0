// Requests/s of a server under load: each round starts the server afresh, warms it up, then
// measures; xcli and baseline rounds alternate so drift on a shared machine hits both alike.
import { median, pairedRatio } from './report.mjs';
import { runLoad } from './server-process.mjs';

/**
 * `start()` → {url, stop()}; `loadArgs(url, seconds)` → arguments of bench/lib/load.mjs;
 * `afterRound(server, loads)` may check the round (e.g. count the event log) and throw.
 */
async function round({ start, loadArgs, afterRound }, warmupSeconds, seconds) {
  const server = await start();
  let stopped = false;
  try {
    const warm = await runLoad(loadArgs(server.url, warmupSeconds));
    const measured = await runLoad(loadArgs(server.url, seconds));
    for (const r of [warm, measured])
      if (r.errors || r.timeouts) throw new Error(`${r.errors} errors, ${r.timeouts} timeouts under load`);
    await server.stop();
    stopped = true;
    await afterRound?.(server, [warm, measured]);
    return measured;
  } finally {
    if (!stopped) await server.stop(2000);
  }
}

export async function compareThroughput(xcli, baseline, { rounds = 5, warmupSeconds = 1, seconds = 2 } = {}) {
  const x = [];
  const b = [];
  for (let i = 0; i < rounds; i++) {
    b.push(await round(baseline, warmupSeconds, seconds));
    x.push(await round(xcli, warmupSeconds, seconds));
  }
  const xRps = x.map((r) => r.rps);
  const bRps = b.map((r) => r.rps);
  return { xcli: median(xRps), baseline: median(bRps), ratio: pairedRatio(xRps, bRps), samples: { xcli: x, baseline: b } };
}

// Timing and process helpers for the benchmark cases.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { median } from './report.mjs';

/** Runs a command to completion; resolves with its wall time in ms. Output is discarded. */
export function timeCommand(cmd, args, { env = process.env, stdin = 'ignore' } = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { env, stdio: [stdin, 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.trim().slice(0, 300)}`));
      else resolve(ms);
    });
  });
}

/**
 * Measures xcli and its baseline alternately (so drift on a noisy machine hits both alike):
 * `warmup` unrecorded rounds, then `runs` recorded ones; returns both medians.
 */
export async function alternate(xcliRun, baselineRun, { warmup = 2, runs = 9 } = {}) {
  for (let i = 0; i < warmup; i++) {
    await baselineRun();
    await xcliRun();
  }
  const x = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    b.push(await baselineRun());
    x.push(await xcliRun());
  }
  return { xcli: median(x), baseline: median(b), samples: { xcli: x, baseline: b } };
}

/** Peak RSS (kB) of a child command, read from /proc while it runs (Linux) or `time -v` style fallback. */
export function peakRss(cmd, args, { env = process.env, stdout = 'ignore' } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', stdout, 'pipe'] });
    let peak = 0;
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const sample = async () => {
      try {
        const { readFile } = await import('node:fs/promises');
        const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
        if (hwm) peak = Math.max(peak, Number(hwm[1]));
      } catch {
        // The process may have exited between samples.
      }
    };
    const timer = setInterval(sample, 50);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`${cmd} exited ${code}: ${err.trim().slice(0, 300)}`));
      else resolve(peak);
    });
  });
}

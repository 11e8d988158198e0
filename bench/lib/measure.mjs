// Timing and process helpers for the benchmark cases.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { median, pairedRatio } from './report.mjs';

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
 * `warmup` unrecorded rounds, then `runs` recorded ones, each baseline run followed by its xcli
 * run; returns both medians and the median of the per-round ratios (pairedRatio in report.mjs).
 */
export async function alternate(xcliRun, baselineRun, options) {
  const { baseline, xcli } = await interleave({ baseline: baselineRun, xcli: xcliRun }, options);
  return { xcli: xcli.median, baseline: baseline.median, ratio: xcli.ratio };
}

/**
 * Runs several commands in turn, round after round (`warmup` unrecorded rounds, then `runs`);
 * `runners.baseline` is required. Per runner: the samples, their median, and the median of its
 * per-round ratios to the baseline run of the same round.
 */
export async function interleave(runners, { warmup = 2, runs = 9 } = {}) {
  const names = Object.keys(runners);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < warmup + runs; round++) {
    for (const n of names) {
      const figure = await runners[n]();
      if (round >= warmup) samples[n].push(figure);
    }
  }
  return Object.fromEntries(
    names.map((n) => [n, { samples: samples[n], median: median(samples[n]), ratio: pairedRatio(samples[n], samples.baseline) }]),
  );
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

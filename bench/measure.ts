// Measuring for `npm run bench`: CPU time and wall-clock time of one chunk of work, contenders
// interleaved chunk by chunk, medians, and the table lines.

/** What one chunk of work took, and a figure it computed (a mean loss, a checksum). */
export interface Measure {
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
  readonly figure: number;
}

/** One contender of a comparison: runs the samples [start, end) of the section's stream. */
export interface Contender {
  readonly name: string;
  run(start: number, end: number): Measure | Promise<Measure>;
  /** Stops what it started (a child process). */
  close?(): void;
}

/** Runs `work` in this process and measures it: process CPU (all threads) and wall-clock. */
export function measure(work: () => number): Measure {
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const figure = work();
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = process.cpuUsage(cpu);
  return { cpuSeconds: (used.user + used.system) / 1e6, wallSeconds, figure };
}

/** The medians over the chunks of one contender, in samples per second. */
export interface Rates {
  readonly name: string;
  /** Samples per CPU-second: what counts on a shared machine. */
  readonly perCpuSecond: number;
  /** Samples per wall-clock second. */
  readonly perSecond: number;
  /** The figure of the last chunk. */
  readonly figure: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs every contender on every chunk of `count` samples (after a warm-up on the first
 * `warm`), interleaved: each round runs each contender on the same chunk, starting with the
 * next contender in turn, so that the machine's load and the cache hit all alike.
 */
export async function interleave(
  contenders: readonly Contender[],
  count: number,
  chunks: number,
  warm: number,
): Promise<Rates[]> {
  for (const c of contenders) await c.run(0, Math.max(1, warm));
  const size = Math.floor(count / chunks);
  const cpu = contenders.map((): number[] => []);
  const wall = contenders.map((): number[] => []);
  const figures = contenders.map(() => Number.NaN);
  for (let r = 0; r < chunks; r++) {
    for (let q = 0; q < contenders.length; q++) {
      const i = (r + q) % contenders.length;
      const m = await contenders[i].run(r * size, (r + 1) * size);
      cpu[i].push(size / Math.max(m.cpuSeconds, 1e-9));
      wall[i].push(size / m.wallSeconds);
      figures[i] = m.figure;
    }
  }
  return contenders.map((c, i) => ({
    name: c.name,
    perCpuSecond: median(cpu[i]),
    perSecond: median(wall[i]),
    figure: figures[i],
  }));
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en');

/** Prints the rates as table rows, with each ratio against `reference` (per CPU-second). */
export function printRates(title: string, rates: readonly Rates[], reference: number): void {
  console.log(`\n${title}`);
  console.log(
    `${'contender'.padEnd(40)}${'samples/CPU-s'.padStart(15)}${'samples/s'.padStart(13)}${'ratio'.padStart(8)}   figure`,
  );
  for (const r of rates) {
    const ratio = r.perCpuSecond / rates[reference].perCpuSecond;
    console.log(
      `${r.name.padEnd(40)}${fmt(r.perCpuSecond).padStart(15)}${fmt(r.perSecond).padStart(13)}${ratio.toFixed(2).padStart(8)}   ${r.figure.toExponential(3)}`,
    );
  }
}

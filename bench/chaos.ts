// npm run chaos — `streamprop run` against every file of the chaos corpus (bench/chaosCorpus.ts:
// the bad inputs kept in test/fixtures/chaos and big ones written at run time into a temporary
// folder, removed at the end). Prints, per file, its size, the records read, learned and
// rejected by reason (from the `--json` summary), whether they add up, the exit status against
// the documented one, the peak RSS, and crashes (a signal, a status other than 0/1/2, a stack
// trace, a hang), as a Markdown table; exits 1 if any file crashed, ended with another status
// than documented, or lost a record silently.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHAOS_CASES, type ChaosResult, chaosFile, runChaosCase } from './chaosCorpus.js';

const scale = Number(process.env.CHAOS_SCALE ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'streamprop-chaos-'));
const results: ChaosResult[] = [];
try {
  console.log(
    `chaos — streamprop run on ${CHAOS_CASES.length} bad inputs; node ${process.version}\n`,
  );
  console.log(
    '| file | what is bad | size | records | learned | rejected by reason | adds up | exit (documented) | peak RSS | crash |',
  );
  console.log('|---|---|---:|---:|---:|---|:-:|:-:|---:|---|');
  for (const c of CHAOS_CASES) {
    const path = chaosFile(c, dir, scale);
    const r = await runChaosCase(c, path);
    results.push(r);
    if (c.generate !== undefined) rmSync(path, { force: true });
    const reasons = Object.entries(r.rejectedByReason).map(
      ([k, n]) => `${k} ${n.toLocaleString('en')}`,
    );
    console.log(
      `| ${r.name} | ${r.what} | ${size(r.bytes)} | ${count(r.records)} | ${count(r.learned)} | ${reasons.join(', ') || '–'} | ${r.addsUp ? 'yes' : '**no**'} | ${r.exit === r.expectedExit ? `${r.exit}` : `**${r.exit}** (${r.expectedExit})`} | ${r.peakRssMb === undefined ? '?' : `${r.peakRssMb.toFixed(0)} MB`} | ${r.crash ?? '0'} |`,
    );
    if (r.records === undefined) console.error(`   ${r.name}: ${r.lastLine}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const crashes = results.filter((r) => r.crash !== undefined).length;
const wrongExit = results.filter((r) => r.exit !== r.expectedExit).length;
const lost = results.filter((r) => !r.addsUp).length;
const peak = Math.max(...results.map((r) => r.peakRssMb ?? 0));
console.log(
  `\n${results.length} files: ${crashes} crashes, ${wrongExit} exit statuses other than documented, ${lost} with records unaccounted for; peak RSS at most ${peak.toFixed(0)} MB`,
);
process.exitCode = crashes + wrongExit + lost === 0 ? 0 : 1;

function size(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

function count(n: number | undefined): string {
  return n === undefined ? '–' : n.toLocaleString('en');
}

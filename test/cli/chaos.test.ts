// A part of `npm run chaos`: the compiled command on bad inputs of the corpus (the big ones
// written smaller) — never a crash nor a stack trace, the documented exit status, every record
// learned or rejected by reason.
import { afterAll, describe, expect, it } from 'vitest';
import { CHAOS_CASES, chaosFile, runChaosCase } from '../../bench/chaosCorpus.js';
import { tempFolder } from './cliFiles.js';

const { dir, remove } = tempFolder();
afterAll(remove);

const SUBSET = [
  'empty.csv',
  'empty.ndjson',
  'stray-quote.csv',
  'bom.ndjson',
  'utf16.csv',
  'huge-values.csv',
  'binary.csv',
  'random.ndjson',
  'bad-values.ndjson',
  'truncated.ndjson',
  'huge-line.ndjson',
  'many-bad-rows.csv',
];

describe('streamprop run on bad inputs (the chaos corpus, in part)', () => {
  it('never crashes, exits as documented, and accounts for every record', async () => {
    const results = [];
    for (const name of SUBSET) {
      const c = CHAOS_CASES.find((k) => k.name === name);
      if (c === undefined) throw new Error(`no chaos case ${name}`);
      // 1/32 of the full size: a line of 2 MB (over the 1 MiB limit), 6,250 records.
      results.push(await runChaosCase(c, chaosFile(c, dir, 1 / 32), 60_000));
    }
    for (const r of results) {
      expect({ name: r.name, crash: r.crash, exit: r.exit, addsUp: r.addsUp }).toEqual({
        name: r.name,
        crash: undefined,
        exit: r.expectedExit,
        addsUp: true,
      });
      expect(r.lastLine).toMatch(/^streamprop: /); // one line that says what happened
    }
    const byName = new Map(results.map((r) => [r.name, r]));
    expect(byName.get('stray-quote.csv')).toMatchObject({
      records: 200,
      learned: 199,
      rejectedByReason: { malformed: 1 },
    });
    expect(byName.get('bom.ndjson')).toMatchObject({ records: 100, learned: 100 });
    expect(byName.get('huge-values.csv')).toMatchObject({
      learned: 88,
      rejectedByReason: { outOfRange: 12 },
    });
    expect(byName.get('huge-line.ndjson')).toMatchObject({
      records: 201,
      learned: 200,
      rejectedByReason: { tooLarge: 1 },
    });
    expect(byName.get('random.ndjson')?.learned).toBe(0);
    expect(byName.get('empty.csv')?.lastLine).toMatch(/is empty$/);
  }, 180_000);
});

// The API report: the exact sorted list of the names each package entry exports, values and
// types, against the files in test/package/api/. An export added, removed or moved fails here
// until the report is updated on purpose: `UPDATE_API=1 npx vitest run test/package/apiReport.test.ts`
// rewrites the files, and the diff shows the change (record it in CHANGELOG.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENTRIES, exportedNames } from './apiNames.js';

const reportFile = (entry: string): string => `test/package/api/${entry.replace('/', '.')}.txt`;

describe('API report', () => {
  const names = exportedNames();

  for (const { entry } of ENTRIES) {
    it(`${entry} exports exactly the names of ${reportFile(entry)}`, () => {
      const actual = names.get(entry)?.lines ?? [];
      if (process.env.UPDATE_API === '1')
        writeFileSync(reportFile(entry), `${actual.join('\n')}\n`);
      const expected = readFileSync(reportFile(entry), 'utf8').trim().split('\n');
      expect(actual).toEqual(expected);
    });
  }

  it('exports nothing internal: no @internal name, no zod schema, no kernel', () => {
    for (const { entry } of ENTRIES) {
      expect(names.get(entry)?.internal, entry).toEqual([]);
      for (const line of names.get(entry)?.lines ?? []) {
        const name = line.split(' ')[1];
        expect(name, `${entry} exports ${name}`).not.toMatch(/Schema$|Kernel|^FUSED_STEP$/);
      }
    }
  });
});

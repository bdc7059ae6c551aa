// How streamprop run reads a CSV file it is given: delimiter, header, columns.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvLayout } from '../../src/cli/csvLayout.js';

const dir = mkdtempSync(join(tmpdir(), 'streamprop-layout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (text: string): string => {
  const path = join(dir, `f${files++}.csv`);
  writeFileSync(path, text);
  return path;
};

describe('csvLayout', () => {
  const rows = (d: string): string =>
    [['time', 'a', 'b', 'y'], ...Array.from({ length: 30 }, (_, i) => [i, i / 2, 1.5, i + 1])]
      .map((r) => r.join(d))
      .join('\n');

  for (const [name, d] of [
    ['comma', ','],
    ['semicolon', ';'],
    ['tab', '\t'],
    ['pipe', '|'],
  ]) {
    it(`finds the ${name} delimiter in the header line`, () => {
      expect(csvLayout(file(`${rows(d)}\n`), { header: true })).toEqual({
        delimiter: d,
        detected: true,
        header: true,
        x: ['a', 'b'],
        y: 'y',
        t: 'time',
      });
    });
  }

  it('takes the semicolon of a file whose decimals have commas', () => {
    const layout = csvLayout(file('store;price;units\ns1;2,5;3\ns2;1,5;4\n'), {
      header: true,
      x: ['price'],
      y: 'units',
    });
    expect(layout).toMatchObject({ delimiter: ';', key: 'store' });
  });

  it('uses the delimiter given, and says when it splits nothing', () => {
    expect(csvLayout(file('a;b\n1;2\n'), { header: true, delimiter: ';' })).toMatchObject({
      delimiter: ';',
      detected: false,
    });
    expect(() => csvLayout(file('a;b\n1;2\n'), { header: true, delimiter: '|' })).toThrow(
      /first line has one field split at "\|": give the delimiter with --delimiter/,
    );
    expect(() => csvLayout(file('abc\n1\n'), { header: true })).toThrow(
      /none of , ; tab \| splits its first lines/,
    );
  });

  it('a record or two of another width does not hide the delimiter', () => {
    const text = rows(';').split('\n');
    text[3] = '1;2';
    expect(csvLayout(file(text.join('\n')), { header: true }).delimiter).toBe(';');
  });

  it('says when the first line looks like data, and --no-header names the columns c1 … cn', () => {
    const path = file('1700000000000,0.5,0.25,0.75\n1700000001000,0.1,0.2,0.3\n');
    expect(() => csvLayout(path, { header: true })).toThrow(
      'looks like data, not a header naming the columns; if the file has no header, give --no-header (its columns are then c1 … c4)',
    );
    expect(csvLayout(path, { header: false })).toEqual({
      delimiter: ',',
      detected: true,
      header: ['c1', 'c2', 'c3', 'c4'],
      x: ['c1', 'c2', 'c3'],
      y: 'c4',
    });
    expect(csvLayout(path, { header: false, x: ['c2', 'c3'], y: 'c4' })).toMatchObject({
      x: ['c2', 'c3'],
    });
    const dated = file('2024-05-01,3\n2024-05-02,4\n');
    expect(() => csvLayout(dated, { header: true })).toThrow(/looks like data/);
  });

  it('trusts a numeric header whose columns are named with --x and --y', () => {
    const path = file('2019,2020,2021\n1,2,3\n');
    expect(csvLayout(path, { header: true, x: ['2019', '2020'], y: '2021' })).toMatchObject({
      x: ['2019', '2020'],
      y: '2021',
    });
  });

  it('names the column the file lacks, and when inputs cannot be told from the target', () => {
    expect(() => csvLayout(file('a,b\n1,2\n'), { header: true, y: 'c' })).toThrow(
      'has no column "c"; its columns: a, b',
    );
    expect(() => csvLayout(file('a,b\nx,2\n'), { header: true })).toThrow(
      'cannot tell the inputs from the target (numeric columns: b); name them with --x and --y',
    );
    expect(() => csvLayout(file(''), { header: true })).toThrow(/is empty/);
    expect(() => csvLayout(join(dir, 'missing.csv'), { header: true })).toThrow(
      /cannot open .*missing\.csv/,
    );
  });
});

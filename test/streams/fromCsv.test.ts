import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  dense,
  linear,
  mse,
  network,
  rollingMetrics,
  type Sample,
  SampleError,
  sgd,
  train,
} from '../../src/index.js';
import { fromCsv } from '../../streams/fromCsv.js';
import { until } from '../polling.js';
import { openFds, tempFiles } from './tempFiles.js';

const { dir, file: csvFile } = tempFiles('streamprop-csv-', '.csv');
const all = (source: ReturnType<typeof fromCsv>): Promise<Sample[]> =>
  lastValueFrom(source.pipe(toArray()));

const WEATHER = [
  'time,sensor,temp,humidity,temp_next',
  '2024-05-01T10:00:00Z,s1,21.5,0.40,21.9',
  '',
  '2024-05-01T10:05:00Z,s2, 21.9 ,0.41,22.4',
  '1714557900000,s1,-3e-1,"0.5",1',
].join('\n');

describe('fromCsv', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('maps columns by header name to x, y, key and t (ISO dates and epoch ms)', async () => {
    const samples = await all(
      fromCsv(csvFile(WEATHER), {
        x: ['temp', 'humidity'],
        y: 'temp_next',
        key: 'sensor',
        t: 'time',
      }),
    );
    expect(samples).toEqual([
      { x: [21.5, 0.4], y: 21.9, key: 's1', t: Date.parse('2024-05-01T10:00:00Z') },
      { x: [21.9, 0.41], y: 22.4, key: 's2', t: Date.parse('2024-05-01T10:05:00Z') },
      { x: [-0.3, 0.5], y: 1, key: 's1', t: 1714557900000 },
    ]);
  });

  it('reads quoted fields, a BOM, CRLF line ends, other delimiters, y arrays and ids', async () => {
    const text = '\uFEFFid;"a;b";c;d\r\n7;1;2;3\r\n8;"4";5;6'; // no line end at the end
    const samples = await all(
      fromCsv(csvFile(text), { delimiter: ';', x: 'a;b', y: ['c', 'd'], id: 'id' }),
    );
    expect(samples).toEqual([
      { x: [1], y: [2, 3], id: '7' },
      { x: [4], y: [5, 6], id: '8' },
    ]);
  });

  it('names columns by index without a header, or by the names given', async () => {
    const path = csvFile('1,2,3\n4,5,6\n');
    expect(await all(fromCsv(path, { header: false, x: [0, 1], y: 2 }))).toEqual([
      { x: [1, 2], y: 3 },
      { x: [4, 5], y: 6 },
    ]);
    expect(await all(fromCsv(path, { header: ['a', 'b', 'c'], x: ['c'], y: 'a' }))).toEqual([
      { x: [3], y: 1 },
      { x: [6], y: 4 },
    ]);
  });

  it('gives one malformed item per bad record, in order, naming its line, and goes on', async () => {
    const text = [
      'time,sensor,temp,humidity,temp_next', // line 1
      '1000,s1,21.5,0.40,21.9', // 2
      '2000,s1,21.9,0.41', // 3: a field short
      '3000,s2,abc,0.42,22', // 4: not a number
      '', // 5: blank, not a record
      '4000,s2,22,0.43,', // 6: empty target
      'yesterday,s3,22,0.43,23', // 7: not a time
      '5000,s1,Infinity,0.4,23', // 8: not finite
      '6000,s1,22.1,0.44,22.3', // 9
      '7000,s1,"22.2,0.45,22.4', // 10: a quote never closed
    ].join('\n');
    const samples = await all(
      fromCsv(csvFile(text), { x: ['temp', 'humidity'], y: 'temp_next', key: 'sensor', t: 'time' }),
    );
    expect(samples).toHaveLength(8);
    expect(samples[0]).toEqual({ x: [21.5, 0.4], y: 21.9, key: 's1', t: 1000 });
    expect(samples[6]).toEqual({ x: [22.1, 0.44], y: 22.3, key: 's1', t: 6000 });
    const bad = [1, 2, 3, 4, 5, 7].map((i) => samples[i]);
    expect(bad.map((s) => s.x)).toEqual([[], [], [], [], [], []]);
    expect(bad.map((s) => s.malformed?.field)).toEqual([
      'line 3',
      'line 4: column temp',
      'line 6: column temp_next',
      'line 7: column time',
      'line 8: column temp',
      'line 10',
    ]);
    expect(samples[1]).toEqual({
      x: [],
      key: 's1',
      t: 2000,
      malformed: {
        field: 'line 3',
        value: '2000,s1,21.9,0.41',
        problem: 'has 4 fields, expected 5',
      },
    });
    expect(samples[2]).toMatchObject({
      key: 's2',
      t: 3000,
      malformed: { value: 'abc', problem: 'is not a finite number' },
    });
    expect(samples[4]).toMatchObject({ key: 's3', malformed: { value: 'yesterday' } });
    expect(samples[4].t).toBeUndefined();
    expect(samples[7].malformed).toEqual({
      field: 'line 10',
      value: '7000,s1,"22.2,0.45,22.4',
      problem: 'leaves a quote open: a quoted field must be closed on the line it starts on',
    });
  });

  it('a stray quote costs its own line only: 1,000 records, one stray quote → 999 samples', async () => {
    const lines = ['t,a,b,y'];
    for (let i = 0; i < 1000; i++) {
      lines.push(i === 500 ? `${i},"0.5,0.25,1` : `${i},${i / 1000},0.25,${i / 500}`);
    }
    const samples = await all(fromCsv(csvFile(`${lines.join('\n')}\n`), { x: ['a', 'b'], y: 'y' }));
    expect(samples).toHaveLength(1000);
    expect(samples.filter((s) => s.malformed !== undefined)).toEqual([
      {
        x: [],
        malformed: {
          field: 'line 502',
          value: '500,"0.5,0.25,1',
          problem: 'leaves a quote open: a quoted field must be closed on the line it starts on',
        },
      },
    ]);
    expect(samples[501]).toEqual({ x: [0.501, 0.25], y: 1.002 });
    // quotes that close on their line, doubled quotes and quotes inside a field are fine
    const text = 'id,a,y\n"x ""1""",1,2\nab"c,3,4\n"q,r",5,6\n';
    const quoted = await all(fromCsv(csvFile(text), { x: ['a'], y: 'y', id: 'id' }));
    expect(quoted).toEqual([
      { x: [1], y: 2, id: 'x "1"' },
      { x: [3], y: 4, id: 'ab"c' },
      { x: [5], y: 6, id: 'q,r' },
    ]);
  });

  it('passes over a record longer than maxRecordBytes as tooLarge, without holding it', async () => {
    const huge = `1,${'9'.repeat(50_000)},3`;
    const text = ['a,b,y', '1,2,3', huge, '4,5,6', huge].join('\n'); // the last without line end
    const samples = await all(
      fromCsv(csvFile(text), { x: ['a', 'b'], y: 'y', maxRecordBytes: 1000 }),
    );
    expect(samples.map((s) => s.malformed?.reason ?? 'ok')).toEqual([
      'ok',
      'tooLarge',
      'ok',
      'tooLarge',
    ]);
    expect(samples[1].malformed).toEqual({
      field: 'line 3',
      value: `${huge.slice(0, 200)}…`,
      problem: 'is longer than 1000 bytes (maxRecordBytes): passed over unread',
      reason: 'tooLarge',
    });
    expect(samples[2]).toEqual({ x: [4, 5], y: 6 });
    // a header too long is an error of the feed
    await expect(
      all(fromCsv(csvFile(`${'a'.repeat(2000)},y\n1,2\n`), { x: ['y'], maxRecordBytes: 100 })),
    ).rejects.toThrow(/cannot read the header of .*: line 1 is longer than 100 bytes/);
  });

  it('takes only decimal numbers as numbers', async () => {
    const fields = ['1', ' -2.5 ', '+3', '.5', '5.', '1e5', '-1.5E-3', '0x10', '0b11', '0o7'];
    fields.push('1_000', 'Infinity', 'NaN', '', ' ', '12abc', '1e400');
    const text = `a,y\n${fields.map((f) => `${f},0`).join('\n')}\n`;
    const samples = await all(fromCsv(csvFile(text), { x: ['a'], y: 'y' }));
    expect(samples.map((s) => (s.malformed === undefined ? s.x[0] : s.malformed.value))).toEqual([
      1,
      -2.5,
      3,
      0.5,
      5,
      100000,
      -0.0015,
      '0x10',
      '0b11',
      '0o7',
      '1_000',
      'Infinity',
      'NaN',
      '',
      ' ',
      '12abc',
      '1e400',
    ]);
  });

  it('lets a learner skip and count malformed records while it learns from the rest', async () => {
    // y = 2 a + b with every fifth record damaged: 400 records, 80 of them bad.
    const lines = ['a,b,y'];
    for (let i = 0; i < 400; i++) {
      const a = ((i * 37) % 100) / 100;
      const b = ((i * 61) % 100) / 100;
      lines.push(i % 5 === 4 ? (i % 2 ? `${a},oops,1` : `${a},${b}`) : `${a},${b},${2 * a + b}`);
    }
    const net = network({ inputs: 2, layers: [dense(1, linear)], seed: 3 });
    const snapshots = await lastValueFrom(
      fromCsv(csvFile(lines.join('\n')), { x: ['a', 'b'], y: 'y' }).pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }), onInvalid: 'skip' }),
        rollingMetrics({ window: 50 }),
        toArray(),
      ),
    );
    const first = snapshots[0];
    const last = snapshots.at(-1)!;
    expect(last.samples).toBe(400);
    expect(last.rejected).toBe(80);
    expect(last.rejectedByReason.malformed).toBe(80);
    // It learned y = 2a + b through the bad records: the error of the last window is a small
    // part of that of the first.
    expect(last.rmse!).toBeLessThan(first.rmse! / 5);
  });

  it('fails the stream with a SampleError naming the line under the default onInvalid', async () => {
    const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
    const error = await lastValueFrom(
      fromCsv(csvFile('a,y\n1,2\nx,3\n'), { x: 'a', y: 'y' }).pipe(train(net, { loss: mse() })),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SampleError);
    expect((error as SampleError).reason).toBe('malformed');
    expect((error as Error).message).toBe(
      'forward: sample 1: line 3: column a is not a finite number, got "x"',
    );
  });

  it('builds samples with map, and turns a failing map into a malformed item', async () => {
    const text = 'price,promo,units\n2.5,yes,10\n3,no,oops\n';
    const samples = await all(
      fromCsv(csvFile(text), {
        map: (row, at) => {
          if (row.units === 'oops') throw new Error('units is not a count');
          return {
            x: [Number(row.price), row.promo === 'yes' ? 1 : 0],
            y: Number(row.units),
            id: at.record,
          };
        },
      }),
    );
    expect(samples[0]).toEqual({ x: [2.5, 1], y: 10, id: 1 });
    expect(samples[1].malformed).toEqual({
      field: 'line 3',
      value: '3,no,oops',
      problem: 'could not be mapped to a sample (units is not a count)',
    });
  });

  it('skips the first records and stops at the limit, so taking n then skipping n resumes', async () => {
    const lines = ['v,w'];
    for (let i = 0; i < 1000; i++) lines.push(i === 500 ? 'bad' : `${i},${i + 1}`);
    const path = csvFile(lines.join('\n'));
    const options = { x: 'v', y: 'w' } as const;
    const whole = await all(fromCsv(path, options));
    expect(whole).toHaveLength(1000);
    const first = await all(fromCsv(path, { ...options, limit: 300 }));
    const second = await all(fromCsv(path, { ...options, skip: 300, limit: 250 }));
    const rest = await all(fromCsv(path, { ...options, skip: 550 }));
    expect([...first, ...second, ...rest]).toEqual(whole);
    expect(second[200].malformed?.field).toBe('line 502'); // record 501 is on line 502
    expect(await all(fromCsv(path, { ...options, skip: 5000 }))).toEqual([]);
    expect(await all(fromCsv(path, { ...options, limit: 0 }))).toEqual([]);
  });

  it('replays at the given rate, reading the input only as fast as that', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let produced = 0;
    const input = Readable.from(
      (function* () {
        yield 'a,b\n';
        for (let i = 0; i < 1_000_000; i++) {
          produced++;
          yield `${i},${i}\n`;
        }
      })(),
    );
    const seen: number[] = [];
    const subscription = fromCsv(input, { x: 'a', y: 'b', rate: 10 }).subscribe((s) =>
      seen.push(s.x[0]),
    );
    await vi.advanceTimersByTimeAsync(2000);
    // 10 records per second for two seconds: about 20 (the first at once), in order.
    expect(seen.length).toBeGreaterThanOrEqual(19);
    expect(seen.length).toBeLessThanOrEqual(22);
    expect(seen.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    // Only a few buffers' worth of the million records were pulled from the input.
    expect(produced).toBeLessThan(20_000);
    subscription.unsubscribe();
    const count = seen.length;
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen.length).toBe(count);
  });

  it('closes the file when unsubscribed', async () => {
    // Far more than the read-ahead (a few 64 KiB chunks): the file is still open when the first
    // records come out at 20 a second.
    const lines = ['a,b'];
    for (let i = 0; i < 200_000; i++) lines.push(`${i},${i}`);
    const path = csvFile(lines.join('\n'));
    const seen: Sample[] = [];
    const subscription = fromCsv(path, { x: 'a', y: 'b', rate: 20 }).subscribe((s) => seen.push(s));
    await until(() => seen.length > 0, 'the first record');
    expect(openFds(path)).toHaveLength(1);
    subscription.unsubscribe();
    await until(() => openFds(path).length === 0, 'the file is closed');
    // And after a completed take(n) too.
    await firstValueFrom(fromCsv(path, { x: 'a', y: 'b' }).pipe(take(3), toArray()));
    await until(() => openFds(path).length === 0, 'the file is closed after take(3)');
  });

  it('releases a stream passed in without destroying it', async () => {
    const input = new PassThrough();
    input.write('a,b\n1,2\n3,4\n');
    const first = await firstValueFrom(fromCsv(input, { x: 'a', y: 'b' }).pipe(take(1)));
    expect(first).toEqual({ x: [1], y: 2 });
    expect(input.destroyed).toBe(false);
    expect(input.isPaused()).toBe(true);
  });

  it('fails with an error naming the path of a missing file', async () => {
    const path = join(dir, 'missing.csv');
    const error = (await lastValueFrom(fromCsv(path, { x: 'a' })).catch(
      (e: unknown) => e,
    )) as Error & {
      code?: string;
    };
    expect(error.message).toContain(`fromCsv: cannot read ${path}: ENOENT`);
    expect(error.code).toBe('ENOENT');
  });

  it('fails with an error naming a column the header does not have', async () => {
    const path = csvFile('a,b\n1,2\n');
    await expect(lastValueFrom(fromCsv(path, { x: ['a', 'c'] }))).rejects.toThrow(
      `fromCsv: ${path} has no column "c" (its columns: a, b)`,
    );
    await expect(lastValueFrom(fromCsv(path, { header: false, x: [5] }))).rejects.toThrow(
      /has 2 columns, so there is no column 5/,
    );
  });

  it('checks its arguments at call time', () => {
    expect(() => fromCsv('', { x: 'a' })).toThrow(TypeError);
    expect(() => fromCsv(42 as never, { x: 'a' })).toThrow(/fromCsv: source must be a file path/);
    expect(() => fromCsv('f.csv', null as never)).toThrow(/fromCsv: options must be an object/);
    expect(() => fromCsv('f.csv', {})).toThrow(/options.x .* or options.map is required/);
    expect(() => fromCsv('f.csv', { x: [] })).toThrow(RangeError);
    expect(() => fromCsv('f.csv', { x: -1 })).toThrow(/x must be a column name or a 0-based index/);
    expect(() => fromCsv('f.csv', { x: 'a', map: () => ({ x: [] }) })).toThrow(/either map or/);
    expect(() => fromCsv('f.csv', { header: false, x: 'a' })).toThrow(/header: false/);
    expect(() => fromCsv('f.csv', { x: 'a', delimiter: '' })).toThrow(/delimiter/);
    expect(() => fromCsv('f.csv', { x: 'a', rate: -1 })).toThrow(/fromCsv: rate must be/);
    expect(() => fromCsv('f.csv', { x: 'a', skip: 1.5 })).toThrow(/fromCsv: skip must be/);
    expect(() => fromCsv('f.csv', { x: 'a', limit: -1 })).toThrow(/fromCsv: limit must be/);
    expect(() => fromCsv('f.csv', { x: 'a', header: 'yes' as never })).toThrow(/header must be/);
  });
});

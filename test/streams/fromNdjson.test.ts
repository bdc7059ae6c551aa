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
import { fromNdjson } from '../../streams/fromNdjson.js';
import { until } from '../polling.js';
import { openFds, tempFiles } from './tempFiles.js';

const { dir, file: ndjsonFile } = tempFiles('streamprop-ndjson-', '.ndjson');
const all = (source: ReturnType<typeof fromNdjson>): Promise<Sample[]> =>
  lastValueFrom(source.pipe(toArray()));

describe('fromNdjson', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads one sample per line, keeping only the sample fields', async () => {
    const text = [
      '{"x":[1,2],"y":3}',
      '{"x":[4],"y":[5,6],"key":"s1","id":7,"t":1000,"note":"dropped","scaler":{}}',
      '{"x":[8],"t":"2024-05-01T10:00:00Z"}',
    ].join('\n');
    expect(await all(fromNdjson(ndjsonFile(text)))).toEqual([
      { x: [1, 2], y: 3 },
      { x: [4], y: [5, 6], key: 's1', id: 7, t: 1000 },
      { x: [8], t: Date.parse('2024-05-01T10:00:00Z') },
    ]);
  });

  it('reads CRLF line ends, lines split across chunks and a last line without a line end', async () => {
    const input = new PassThrough();
    const samples = lastValueFrom(fromNdjson(input).pipe(toArray()));
    input.write('{"x":[1],"y":');
    input.write('2}\r\n\r\n{"x":[3],');
    input.write(Buffer.from('"key":"é"', 'utf8').subarray(0, 8)); // splits the two bytes of é
    input.write(Buffer.from('"key":"é"', 'utf8').subarray(8));
    input.end('}'); // no line end at the end
    expect(await samples).toEqual([
      { x: [1], y: 2 },
      { x: [3], key: 'é' },
    ]);
  });

  it('passes over a byte order mark at the start, and only there', async () => {
    const input = new PassThrough();
    const samples = lastValueFrom(fromNdjson(input).pipe(toArray()));
    input.write(Buffer.from([0xef, 0xbb]));
    input.write(Buffer.from([0xbf]));
    input.end('{"x":[1],"y":2}\n\ufeff{"x":[3]}\n');
    const [first, second] = await samples;
    expect(first).toEqual({ x: [1], y: 2 });
    expect(second.malformed?.field).toBe('line 2');
  });

  it('gives one malformed item per bad line, naming the line, and goes on', async () => {
    const text = [
      '{"x":[1],"y":1}', // line 1
      '{"x":[2],', // 2: not JSON
      '', // 3: blank
      '[1,2,3]', // 4: not an object
      '{"x":"abc","key":"s9"}', // 5: x not an array
      '{"x":[3],"key":{"a":1}}', // 6: key neither text nor number
      '{"x":[3],"t":"soon","key":"s2"}', // 7: t not a time
      '   ', // 8: blank
      '{"x":[4],"y":4}', // 9
    ].join('\n');
    const samples = await all(fromNdjson(ndjsonFile(text)));
    expect(samples).toHaveLength(7);
    expect(samples[0]).toEqual({ x: [1], y: 1 });
    expect(samples[6]).toEqual({ x: [4], y: 4 });
    expect(samples.slice(1, 6).map((s) => [s.malformed?.field, s.malformed?.value])).toEqual([
      ['line 2', '{"x":[2],'],
      ['line 4', '[1,2,3]'],
      ['line 5: x', 'abc'],
      ['line 6: key', { a: 1 }],
      ['line 7: t', 'soon'],
    ]);
    expect(samples[1].malformed?.problem).toMatch(/^is not valid JSON \(.+\)$/);
    expect(samples[2].malformed?.problem).toBe('is not a JSON object { x, y?, key?, id?, t? }');
    expect(samples[3]).toMatchObject({ x: [], key: 's9' });
    expect(samples[5]).toMatchObject({ x: [], key: 's2' });
  });

  it('cuts the text of a long bad line, and passes over a line longer than maxRecordBytes as tooLarge', async () => {
    const long = `{"x":[${'1,'.repeat(300)}`; // 606 characters, not JSON
    const huge = `{"x":[${'2,'.repeat(5000)}2]}`; // 10,008 characters
    const input = new PassThrough();
    const samples = lastValueFrom(fromNdjson(input, { maxRecordBytes: 1000 }).pipe(toArray()));
    input.write(`${long}\n${huge.slice(0, 3000)}`);
    input.write(huge.slice(3000, 6000));
    input.end(`${huge.slice(6000)}\n{"x":[5]}\n${huge}`);
    const [first, second, third, fourth, ...more] = await samples;
    expect(more).toEqual([]);
    expect(first.malformed?.value).toBe(`${long.slice(0, 200)}…`);
    expect(second.malformed).toEqual({
      field: 'line 2',
      value: `${huge.slice(0, 200)}…`,
      problem: 'is longer than 1000 bytes (maxRecordBytes): passed over unread',
      reason: 'tooLarge',
    });
    expect(third).toEqual({ x: [5] });
    expect(fourth.malformed).toMatchObject({ field: 'line 4', reason: 'tooLarge' });
  });

  it('lets a learner skip and count malformed lines while it learns from the rest', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      const a = ((i * 37) % 100) / 100;
      lines.push(i % 4 === 3 ? `{"x":[${a}],"y":` : JSON.stringify({ x: [a], y: 3 * a - 1 }));
    }
    const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 2 });
    const snapshots = await lastValueFrom(
      fromNdjson(ndjsonFile(lines.join('\n'))).pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.2 }), onInvalid: 'skip' }),
        rollingMetrics({ window: 50 }),
        toArray(),
      ),
    );
    const last = snapshots.at(-1)!;
    expect(last.samples).toBe(400);
    expect(last.rejectedByReason.malformed).toBe(100);
    expect(last.rejected).toBe(100);
    expect(last.rmse!).toBeLessThan(snapshots[0].rmse! / 5);
  });

  it('fails the stream with a SampleError naming the line under the default onInvalid', async () => {
    const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
    const error = await lastValueFrom(
      fromNdjson(ndjsonFile('{"x":[1],"y":2}\n\nnot json\n')).pipe(train(net, { loss: mse() })),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SampleError);
    expect((error as Error).message).toMatch(
      /^forward: sample 1: line 3 is not valid JSON \(.*\), got "not json"$/,
    );
  });

  it('builds samples with map from any JSON value', async () => {
    const samples = await all(
      fromNdjson(ndjsonFile('[1,2,3]\n[4,5]\n"text"\n'), {
        map: (value, line) => {
          const v = value as number[];
          if (v.length !== 3) throw new RangeError(`expected 3 numbers, got ${v.length}`);
          return { x: v.slice(0, 2), y: v[2], id: line };
        },
      }),
    );
    expect(samples[0]).toEqual({ x: [1, 2], y: 3, id: 1 });
    expect(samples[1].malformed).toEqual({
      field: 'line 2',
      value: '[4,5]',
      problem: 'could not be mapped to a sample (expected 3 numbers, got 2)',
    });
    expect(samples[2].malformed?.field).toBe('line 3');
  });

  it('counts only non-blank lines as positions, so skip resumes where a take stopped', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 500; i++)
      lines.push(i % 7 === 0 ? '' : i === 250 ? '{bad' : `{"x":[${i}]}`);
    const path = ndjsonFile(lines.join('\n'));
    const whole = await all(fromNdjson(path));
    expect(whole).toHaveLength(500 - 72); // 72 blank lines (0, 7, …, 497)
    const first = await firstValueFrom(fromNdjson(path).pipe(take(100), toArray()));
    const second = await all(fromNdjson(path, { skip: 100, limit: 150 }));
    const rest = await all(fromNdjson(path, { skip: 250 }));
    expect([...first, ...second, ...rest]).toEqual(whole);
    expect(whole.find((s) => s.malformed)?.malformed?.field).toBe('line 251');
    expect(await all(fromNdjson(path, { skip: 10_000 }))).toEqual([]);
  });

  it('replays at the given rate, reading the input only as fast as that', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let produced = 0;
    const input = Readable.from(
      (function* () {
        for (let i = 0; i < 1_000_000; i++) {
          produced++;
          yield `{"x":[${i}]}\n`;
        }
      })(),
    );
    const seen: number[] = [];
    const subscription = fromNdjson(input, { rate: 5 }).subscribe((s) => seen.push(s.x[0]));
    await vi.advanceTimersByTimeAsync(2000);
    expect(seen.length).toBeGreaterThanOrEqual(9);
    expect(seen.length).toBeLessThanOrEqual(12);
    expect(seen.slice(0, 3)).toEqual([0, 1, 2]);
    expect(produced).toBeLessThan(20_000);
    subscription.unsubscribe();
    const count = seen.length;
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen.length).toBe(count);
  });

  it('closes the file when unsubscribed', async () => {
    // Far more than the read-ahead (a few 64 KiB chunks): the file is still open when the first
    // lines come out at 20 a second.
    const path = ndjsonFile(Array.from({ length: 200_000 }, (_, i) => `{"x":[${i}]}`).join('\n'));
    const seen: Sample[] = [];
    const subscription = fromNdjson(path, { rate: 20 }).subscribe((s) => seen.push(s));
    await until(() => seen.length > 0, 'the first line');
    expect(openFds(path)).toHaveLength(1);
    subscription.unsubscribe();
    await until(() => openFds(path).length === 0, 'the file is closed');
  });

  it('leaves a stdin-like stream open and usable when unsubscribed', async () => {
    const stdin = new PassThrough();
    const first = firstValueFrom(fromNdjson(stdin).pipe(take(1)));
    stdin.write('{"x":[1]}\n');
    expect(await first).toEqual({ x: [1] });
    expect(stdin.destroyed).toBe(false);
    expect(stdin.isPaused()).toBe(true);
    // A later subscription reads what comes next.
    const next = lastValueFrom(fromNdjson(stdin).pipe(toArray()));
    stdin.end('{"x":[2]}\n{"x":[3]}');
    expect(await next).toEqual([{ x: [2] }, { x: [3] }]);
  });

  it('fails with an error naming the path of a missing file', async () => {
    const path = join(dir, 'missing.ndjson');
    const error = (await lastValueFrom(fromNdjson(path)).catch((e: unknown) => e)) as Error & {
      code?: string;
    };
    expect(error.message).toContain(`fromNdjson: cannot read ${path}: ENOENT`);
    expect(error.code).toBe('ENOENT');
  });

  it('checks its arguments at call time', () => {
    expect(() => fromNdjson(undefined as never)).toThrow(/fromNdjson: source must be/);
    expect(() => fromNdjson('f', null as never)).toThrow(/fromNdjson: options must be/);
    expect(() => fromNdjson('f', { map: 3 as never })).toThrow(/fromNdjson: map must be/);
    expect(() => fromNdjson('f', { maxRecordBytes: 0 })).toThrow(RangeError);
    expect(() => fromNdjson('f', { rate: Number.NaN })).toThrow(/fromNdjson: rate must be/);
    expect(() => fromNdjson('f', { skip: -1 })).toThrow(/fromNdjson: skip must be/);
  });
});

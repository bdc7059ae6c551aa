import { describe, expect, it } from 'vitest';
import {
  compactRecord,
  compactRecordSchema,
  sampleOfCompactRecord,
} from '../../src/fleet/compactRecord.js';
import { sampleOfRecord, sampleRecord } from '../../src/fleet/sampleRecord.js';
import type { Sample } from '../../src/samples/sample.js';

/** Numbers whose decimal text is long or awkward: they must come back bit for bit. */
const AWKWARD = [0.1 + 0.2, -1e-310, 1.7976931348623157e308, 5e-324, -0, 123456789.12345679];

describe('compact sample records', () => {
  it('give back every number bit for bit, and the labels with their types', () => {
    const samples: Sample[] = [
      { x: AWKWARD, y: Math.PI, key: 'sensor-1', id: 17, t: 1_704_067_200_000 },
      { x: new Float64Array([1, 2, 3]), y: [4, 5], key: 42, id: 'a b' },
      { x: [7], y: new Float64Array([]) },
      { x: [], key: 'with, commas: and ~ tildes\nand a newline', t: -5.5 },
      { x: [1, 2], key: '' },
    ];
    for (const sample of samples) {
      const text = sampleRecord(sample);
      expect(text.startsWith('~')).toBe(true);
      const back = sampleOfRecord(text, 'here');
      expect(Array.from(back.x)).toEqual(Array.from(sample.x));
      const bits = (v: ArrayLike<number>) =>
        Array.from(new Uint8Array(Float64Array.from(v).buffer));
      expect(bits(back.x)).toEqual(bits(sample.x));
      const y = sample.y;
      if (typeof y === 'number') expect(Object.is(back.y, y)).toBe(true);
      else if (y === undefined) expect(back).not.toHaveProperty('y');
      else expect(Array.from(back.y as ArrayLike<number>)).toEqual(Array.from(y));
      for (const label of ['key', 'id', 't'] as const) expect(back[label]).toBe(sample[label]);
    }
  });

  it('are not made for what the learner must reject, nor for ids with commas: JSON keeps those', () => {
    expect(compactRecord({ x: [1, Number.NaN] })).toBeUndefined();
    expect(compactRecord({ x: [1], y: Number.POSITIVE_INFINITY })).toBeUndefined();
    expect(compactRecord({ x: ['1'] as never })).toBeUndefined();
    expect(compactRecord({ x: 'abc' as never })).toBeUndefined();
    expect(compactRecord({ x: [1], id: 'a,b' })).toBeUndefined();
    expect(compactRecord({ x: [1], key: { nested: 1 } as never })).toBeUndefined();
    expect(compactRecord({ x: [1], t: Number.NaN })).toBeUndefined();
    expect(
      compactRecord({ x: [], malformed: { field: 'line 2', value: 'x', problem: 'is bad' } }),
    ).toBeUndefined();
    // … and the JSON of such a sample reads back as before: the learner rejects it.
    expect(sampleRecord({ x: [1], id: 'a,b', key: 'k' })).toBe('{"x":[1],"key":"k","id":"a,b"}');
    expect(sampleOfRecord(sampleRecord({ x: [1, Number.NaN], y: 2 }), 'e').x).toEqual([1, null]);
  });

  it('that are broken give a malformed sample naming the part at fault, from the schema', () => {
    const good = sampleRecord({ x: [1, 2], y: 3, key: 'k', id: 4, t: 5 });
    const problem = (text: string) => sampleOfCompactRecord(text, () => 'shard 3, entry 9-0');
    expect(problem(good).malformed).toBeUndefined();
    const cases: [string, string][] = [
      [good.replace('~2,', '~x,'), 'nx: must be a count of numbers'],
      [good.replace(',n,', ',q,'), "ny: must be empty, 'n' or a count of numbers"],
      [good.replace(',5,', ',soon,'), 't: must be a finite number'],
      [
        good.replace(',n4,', ',x4,'),
        "id: must be empty, 'n' and a finite number, or 's' and a text",
      ],
      [
        good.replace(/,sk$/, ',nkey'),
        "key: must be empty, 'n' and a finite number, or 's' and a text",
      ],
      [good.replace('AAAA', 'AA!A'), 'floats: must be base64'],
      [good.replace('~2,', '~3,'), 'floats: must hold 4 float64 numbers in 44 base64 characters'],
    ];
    for (const [text, message] of cases) {
      expect(problem(text).malformed).toEqual({
        field: 'shard 3, entry 9-0',
        value: text,
        problem: `is not a compact sample record: ${message}`,
      });
    }
    expect(problem('~1,n').malformed?.problem).toBe(
      'is not a compact sample record: it has fewer than 6 parts',
    );
    // Padding inside the base64 (not at its end) is refused, not read as zeros.
    const padded = sampleRecord({ x: [1, 2] }).replace(/,([A-Za-z0-9+/]{4})/, ',AA==');
    expect(problem(padded).malformed?.problem).toMatch(/^is not a compact sample record/);
    // The schema describes the parts of a sound record.
    const [nx, ny, t, id, floats, ...key] = good.slice(1).split(',');
    expect(
      compactRecordSchema.safeParse({ nx, ny, t, id, floats, key: key.join(',') }).success,
    ).toBe(true);
  });

  it('read the numbers of t, id and key as Number reads them, digits alone or not', () => {
    const floats = sampleRecord({ x: [1] }).split(',')[4];
    const read = (t: string, id: string, key: string) =>
      sampleOfCompactRecord(`~1,,${t},${id},${floats},${key}`, 'e');
    const texts = ['0', '007', '1704067200000', '123456789012345678', '-5.5', '1e3', '0x10', '.5'];
    for (const text of texts) {
      const back = read(text, `n${text}`, `n${text}`);
      expect(back.malformed).toBeUndefined();
      expect([back.t, back.id, back.key]).toEqual([Number(text), Number(text), Number(text)]);
    }
    for (const bad of ['1e999', 'abc', '12a']) {
      expect(read(bad, '', '').malformed?.problem).toBe(
        'is not a compact sample record: t: must be a finite number',
      );
    }
    expect(read('', 'n', '').malformed?.problem).toMatch(/^is not a compact sample record/);
    expect(read('', '', 's').key).toBe('');
  });

  it('refuse characters outside base64 anywhere in the floats, not only in the last group', () => {
    const text = sampleRecord({ x: [1, 2, 3], key: 'k' });
    const start = text.split(',', 4).join(',').length + 1;
    for (const wrong of ['é', '€', '-', '=']) {
      const broken = text.slice(0, start) + wrong + text.slice(start + 1);
      expect(sampleOfCompactRecord(broken, 'e').malformed?.problem).toBe(
        'is not a compact sample record: floats: must be base64',
      );
    }
  });

  it('are refused by the decoder exactly when the schema refuses them, which names the part', () => {
    // Every one-character change (replaced, removed, doubled) of a few sound records: the
    // decoder's fast path and the schema agree on each, so a refusal always says what is wrong.
    const sound = [
      sampleRecord({ x: [1, 2], y: 3, key: 'k', id: 4, t: 5 }),
      sampleRecord({ x: [0.1], y: [2, 3], key: 12, id: 'a', t: 1.5 }),
      sampleRecord({ x: [7, 8, 9] }),
      sampleRecord({ x: [], key: 'é,~' }),
    ];
    const replacements = [',', 'n', 's', '=', '0', '9', 'A', '/', '~', '-', '.', 'e', ' ', '', 'é'];
    let refused = 0;
    for (const good of sound) {
      for (let i = 0; i < good.length; i++) {
        const edits = [...replacements.map((c) => c), good[i] + good[i]];
        for (const edit of edits) {
          const text = good.slice(0, i) + edit + good.slice(i + 1);
          const problem = sampleOfCompactRecord(text, 'e').malformed?.problem;
          const parts = text.slice(1).split(',');
          const [nx, ny, t, id, floats] = parts;
          const schemaSays =
            text.startsWith('~') && parts.length >= 6
              ? compactRecordSchema.safeParse({
                  nx,
                  ny,
                  t,
                  id,
                  floats,
                  key: parts.slice(5).join(','),
                }).success
              : false;
          expect({ text, read: problem === undefined }).toEqual({ text, read: schemaSays });
          if (problem !== undefined) {
            refused++;
            expect(problem).toMatch(
              /^is not a compact sample record: ((nx|ny|t|id|floats|key): |it has fewer than 6 parts)/,
            );
          }
        }
      }
    }
    expect(refused).toBeGreaterThan(500);
    // The case found first: an id or key of 'n' and no number.
    const floats = sampleRecord({ x: [1] }).split(',')[4];
    expect(sampleOfCompactRecord(`~1,,,n,${floats},`, 'e').malformed?.problem).toBe(
      "is not a compact sample record: id: must be empty, 'n' and a finite number, or 's' and a text",
    );
    expect(sampleOfCompactRecord(`~1,,,,${floats},n`, 'e').malformed?.problem).toBe(
      "is not a compact sample record: key: must be empty, 'n' and a finite number, or 's' and a text",
    );
  });

  it('give each record its own key, however many keys come and go (keys are read as one string each)', () => {
    const keys = Array.from({ length: 3000 }, (_, i) => `sensor-${i}-é`);
    for (const round of [0, 1]) {
      for (let i = 0; i < keys.length; i += 1 + round) {
        const back = sampleOfCompactRecord(sampleRecord({ x: [i], key: keys[i] }), 'e');
        expect([back.key, back.x[0]]).toEqual([keys[i], i]);
      }
    }
  });
});

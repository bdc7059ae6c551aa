import { describe, expect, it } from 'vitest';
import { predictionWriter } from '../../src/cli/predictionWriter.js';
import { parsePredictOptions } from '../../src/cli/predictOptions.js';

describe('parsePredictOptions', () => {
  it('reads the defaults and every option', () => {
    expect(
      parsePredictOptions({ model: 'm.json', source: 'ndjson:-', format: 'ndjson', header: true }),
    ).toEqual({
      model: 'm.json',
      source: { kind: 'ndjson', path: undefined },
      format: 'ndjson',
      header: true,
    });
    expect(
      parsePredictOptions({
        model: 'm.json',
        source: 'csv:a.csv',
        format: 'csv',
        x: 'a, b',
        delimiter: 'tab',
        header: false,
      }),
    ).toEqual({
      model: 'm.json',
      source: { kind: 'csv', path: 'a.csv' },
      format: 'csv',
      x: ['a', 'b'],
      delimiter: '\t',
      header: false,
    });
  });

  it('names the flag of each problem, with the nearest valid name', () => {
    expect(parsePredictOptions({ source: 'sensor', format: 'cvs', header: true })).toEqual([
      '--model: is required',
      '--source: must be csv:FILE, ndjson:FILE or ndjson:- (standard input) (got "sensor")',
      '--format: must be one of ndjson, csv (got "cvs"); did you mean csv?',
    ]);
    expect(
      parsePredictOptions({ model: 'm', source: 'ndjson:-', format: 'csv', x: 'a', header: true }),
    ).toEqual(['--x: is for a CSV source: give it with --source csv:FILE (got "a")']);
  });
});

describe('predictionWriter', () => {
  it('writes NDJSON lines, or CSV with a header and quoted fields', () => {
    const out: string[] = [];
    const ndjson = predictionWriter('ndjson', 1, (t) => out.push(t));
    ndjson({ seq: 0, id: 'a', prediction: 1.5 });
    expect(out).toEqual(['{"seq":0,"id":"a","prediction":1.5}\n']);
    out.length = 0;
    const csv = predictionWriter('csv', 2, (t) => out.push(t));
    csv({ seq: 0, key: 'north', t: 5, prediction: [1, 2] });
    csv({ seq: 1, id: 'x,y', error: 'says "no"' });
    expect(out.join('')).toBe(
      'seq,id,key,t,prediction1,prediction2,error\n0,,north,5,1,2,\n1,"x,y",,,,,"says ""no"""\n',
    );
  });
});

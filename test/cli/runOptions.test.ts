import { describe, expect, it } from 'vitest';
import { parseRunOptions, type RawRunOptions } from '../../src/cli/runOptions.js';
import { describeSource, parseSourceSpec } from '../../src/cli/sourceSpec.js';

/** What commander hands over when no option is given (its defaults, as strings). */
const defaults: RawRunOptions = {
  source: 'sensor',
  layers: '32,16',
  activation: 'tanh',
  optimizer: 'adam',
  adaptive: false,
  window: '500',
  host: '127.0.0.1',
  port: '8080',
  checkpointEvery: '10000',
  checkpointSeconds: '30',
  resume: false,
  seed: '1',
  header: true,
  json: false,
};

describe('parseRunOptions', () => {
  it('turns the defaults into values', () => {
    expect(parseRunOptions(defaults)).toEqual({
      source: { kind: 'sensor' },
      layers: [32, 16],
      activation: 'tanh',
      optimizer: 'adam',
      adaptive: false,
      window: 500,
      host: '127.0.0.1',
      port: 8080,
      checkpointEvery: 10000,
      checkpointSeconds: 30,
      resume: false,
      seed: 1,
      header: true,
      maxRecordBytes: 1_048_576,
      json: false,
      allowOrigins: [],
      allowHosts: [],
    });
  });

  it('reads every option given', () => {
    const parsed = parseRunOptions({
      ...defaults,
      source: 'csv:data/readings.csv',
      layers: ' 8, 4 ',
      lr: '0.01',
      rate: '0',
      token: 's3cret',
      checkpoint: 'run.ckpt',
      resume: true,
      limit: '1000',
      seed: '-3',
      x: 'a, b',
      y: 'c',
      delimiter: 'tab',
      header: false,
    });
    expect(parsed).toMatchObject({
      source: { kind: 'csv', path: 'data/readings.csv' },
      layers: [8, 4],
      lr: 0.01,
      rate: 0,
      token: 's3cret',
      checkpoint: 'run.ckpt',
      resume: true,
      limit: 1000,
      seed: -3,
      x: ['a', 'b'],
      y: 'c',
      delimiter: '\t',
      header: false,
    });
  });

  const bad: [string, RawRunOptions, string][] = [
    [
      'layers with a word',
      { layers: '32,x' },
      '--layers: must be a comma-separated list of layer sizes, as 32,16 (got "32,x")',
    ],
    ['a layer of size 0', { layers: '32,0' }, '--layers: sizes must be at least 1 (got "32,0")'],
    ['lr not a number', { lr: 'fast' }, '--lr: must be a number (got "fast")'],
    ['lr 0', { lr: '0' }, '--lr: must be > 0 (got "0")'],
    ['a negative rate', { rate: '-5' }, '--rate: must be >= 0 (got "-5")'],
    [
      'rate 0 on a synthetic feed',
      { rate: '0' },
      '--rate: must be > 0 for the synthetic feeds, which never end (got "0")',
    ],
    ['window 0', { window: '0' }, '--window: must be at least 1 (got "0")'],
    ['a fractional window', { window: '2.5' }, '--window: must be an integer (got "2.5")'],
    ['port too large', { port: '70000' }, '--port: must be at most 65535 (got "70000")'],
    ['an empty port', { port: '' }, '--port: must be a number (got "")'],
    [
      'a token with a space',
      { token: 'a b' },
      '--token: must be visible ASCII characters, no spaces (got "a b")',
    ],
    [
      'an unknown source',
      { source: 'kafka' },
      '--source: unknown source "kafka"; expected sensor, sales, csv:PATH, ndjson:PATH, ndjson:- or mqtt://HOST:PORT/TOPIC (got "kafka")',
    ],
    [
      'resume without checkpoint',
      { resume: true },
      '--resume: needs --checkpoint PATH to know where to resume from',
    ],
    [
      'checkpoint-every 0',
      { checkpointEvery: '0' },
      '--checkpoint-every: must be at least 1 (got "0")',
    ],
    [
      'checkpoint-seconds 0',
      { checkpointSeconds: '0' },
      '--checkpoint-seconds: must be > 0 (got "0")',
    ],
    [
      'an unknown optimizer',
      { optimizer: 'lbfgs' },
      '--optimizer: must be one of sgd, momentum, nesterov, adagrad, rmsprop, adam (got "lbfgs")',
    ],
    ['a fractional limit', { limit: '1.5' }, '--limit: must be an integer (got "1.5")'],
    [
      'a delimiter of two characters',
      { source: 'csv:a.csv', delimiter: ';;' },
      '--delimiter: must be one character, or tab, as ; or tab (got ";;")',
    ],
    [
      '--delimiter without a CSV source',
      { delimiter: ';' },
      '--delimiter: is for a CSV source: give it with --source csv:PATH (got ";")',
    ],
    [
      '--no-header without a CSV source',
      { header: false },
      '--no-header: is for a CSV source: give it with --source csv:PATH',
    ],
    [
      '--x without a CSV source',
      { x: 'a,b' },
      '--x: names CSV columns: give it with --source csv:PATH (got "a,b")',
    ],
    [
      'an empty column in --x',
      { source: 'csv:a.csv', x: 'a,,b' },
      '--x: must name columns, comma-separated, as temp,humidity (got "a,,b")',
    ],
  ];
  for (const [name, change, message] of bad) {
    it(`names the flag and the problem: ${name}`, () => {
      expect(parseRunOptions({ ...defaults, ...change })).toEqual([message]);
    });
  }

  it('lists every problem, one per line', () => {
    const problems = parseRunOptions({ ...defaults, layers: '', port: '-1', seed: 'x' });
    expect(problems).toHaveLength(3);
  });
});

describe('parseSourceSpec', () => {
  const good: [string, unknown, string][] = [
    ['sensor', { kind: 'sensor' }, 'sensor'],
    ['sales', { kind: 'sales' }, 'sales'],
    ['csv:a/b.csv', { kind: 'csv', path: 'a/b.csv' }, 'csv:a/b.csv'],
    ['ndjson:samples.ndjson', { kind: 'ndjson', path: 'samples.ndjson' }, 'ndjson:samples.ndjson'],
    ['ndjson:-', { kind: 'ndjson', path: undefined }, 'ndjson:-'],
    [
      'mqtt://127.0.0.1:1883/sensors/+/temp',
      { kind: 'mqtt', url: 'mqtt://127.0.0.1:1883', topic: 'sensors/+/temp' },
      'mqtt://127.0.0.1:1883/sensors/+/temp',
    ],
    ['mqtt://broker/#', { kind: 'mqtt', url: 'mqtt://broker', topic: '#' }, 'mqtt://broker/#'],
  ];
  for (const [text, spec, name] of good) {
    it(`reads ${text}, and names it back`, () => {
      const parsed = parseSourceSpec(text);
      expect(parsed).toEqual(spec);
      expect(describeSource(parsed as Exclude<typeof parsed, string>)).toBe(name);
    });
  }

  const bad: [string, RegExp][] = [
    ['csv:', /csv: needs a file path/],
    ['ndjson:', /ndjson: needs a file path, or - for standard input/],
    ['mqtt://127.0.0.1:1883', /needs a topic/],
    ['mqtt://127.0.0.1:1883/', /needs a topic/],
    ['mqtt://:99999/t', /is not a valid broker address|names no host/],
    ['file.csv', /unknown source "file.csv"/],
  ];
  for (const [text, message] of bad) {
    it(`says what is wrong with ${text}`, () => {
      expect(parseSourceSpec(text)).toMatch(message);
    });
  }
});

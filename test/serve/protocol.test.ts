import { describe, expect, it } from 'vitest';
import { errorFrame, PROTOCOL_VERSION, parseClientMessage } from '../../src/serve/index.js';
import { serverMessageSchema } from '../../src/serve/protocol.js';

describe('protocol v1', () => {
  it('parses the client messages', () => {
    expect(
      parseClientMessage('{"type":"subscribe","topics":["metrics"],"keys":["a",2],"maxRateHz":2}'),
    ).toEqual({
      ok: true,
      message: { type: 'subscribe', topics: ['metrics'], keys: ['a', 2], maxRateHz: 2 },
    });
    expect(parseClientMessage('{"type":"unsubscribe"}')).toEqual({
      ok: true,
      message: { type: 'unsubscribe' },
    });
    expect(
      parseClientMessage('{"type":"sample","sample":{"x":[1,2],"y":3,"key":"k","t":5}}'),
    ).toEqual({
      ok: true,
      message: { type: 'sample', sample: { x: [1, 2], y: 3, key: 'k', t: 5 } },
    });
  });

  it('names what is wrong with a bad client message', () => {
    const code = (text: string): string | undefined => {
      const parsed = parseClientMessage(text);
      return parsed.ok ? undefined : parsed.code;
    };
    expect(code('{')).toBe('malformed');
    expect(code('null')).toBe('malformed');
    expect(code('[]')).toBe('malformed');
    expect(code('{"topics":[]}')).toBe('unknown-type');
    expect(code('{"type":"hello"}')).toBe('unknown-type');
    expect(code('{"type":"subscribe","topics":["all"]}')).toBe('invalid-message');
    expect(code('{"type":"subscribe","topics":[],"maxRateHz":0}')).toBe('invalid-message');
    expect(code('{"type":"subscribe","topics":[],"other":1}')).toBe('invalid-message');
    expect(code('{"type":"sample","sample":{"x":[]}}')).toBe('invalid-sample');
    expect(code('{"type":"sample","sample":{"x":[1e999]}}')).toBe('invalid-sample');
    expect(code('{"type":"sample","sample":{"x":["1"]}}')).toBe('invalid-sample');
    const parsed = parseClientMessage('{"type":"sample","sample":{"x":[1,"a"]}}');
    expect(parsed.ok ? '' : parsed.message).toMatch(/^sample: sample\.x\.1: /);
    const badKey = parseClientMessage('{"type":"subscribe","topics":[],"keys":["a",true]}');
    expect(badKey.ok ? '' : badKey.message).toBe(
      'subscribe: keys.1: must be a string or a finite number',
    );
  });

  it('validates server messages, and error frames are valid ones', () => {
    const error = JSON.parse(errorFrame('forbidden', 'no'));
    expect(serverMessageSchema.parse(error)).toEqual({
      type: 'error',
      v: PROTOCOL_VERSION,
      code: 'forbidden',
      message: 'no',
    });
    const prediction = {
      type: 'prediction',
      v: 1,
      seq: 3,
      t: 10,
      key: null,
      y: null,
      prediction: [1],
      error: null,
    };
    expect(serverMessageSchema.parse(prediction)).toEqual(prediction);
    expect(() => serverMessageSchema.parse({ ...prediction, v: 2 })).toThrow();
    expect(() => serverMessageSchema.parse({ ...prediction, prediction: [null] })).toThrow();
    expect(() => serverMessageSchema.parse({ type: 'other', v: 1 })).toThrow();
  });
});

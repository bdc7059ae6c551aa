// A checkpoint of the automatic learner: its byKey part instead of a model, checked by the
// schema of the forecasters' state; fromCheckpoint, which makes one model, refuses it.
import { describe, expect, it } from 'vitest';
import { AutoForecasters } from '../../src/forecast/autoForecasters.js';
import {
  adam,
  dense,
  fromCheckpoint,
  hedge,
  linear,
  network,
  parseCheckpoint,
  toCheckpoint,
} from '../../src/index.js';

const SETTINGS = { horizon: 1, warmUp: 20, hidden: 4, seed: 1, weighting: hedge() };

function autoCheckpoint(): Record<string, unknown> {
  const all = new AutoForecasters(SETTINGS, 10);
  for (let i = 0; i < 60; i++) {
    all.next({ key: i % 2 === 0 ? 'a' : 3, x: [Math.sin(i), Math.sin(i + 1)], y: Math.sin(i + 2) });
  }
  return {
    format: 'streamprop-checkpoint',
    version: 2,
    savedAt: new Date(0).toISOString(),
    samples: 60,
    byKey: JSON.parse(JSON.stringify(all.state())),
  };
}

describe('a checkpoint of the automatic learner (byKey)', () => {
  it('is read by parseCheckpoint and restores the forecasters it holds', () => {
    const text = JSON.stringify(autoCheckpoint());
    const checkpoint = parseCheckpoint(text);
    expect(checkpoint.model).toBeUndefined();
    expect(checkpoint.byKey?.map((s) => s.key)).toEqual(['a', 3]);
    expect(checkpoint.byKey?.[0].state.chosen?.networks).toHaveLength(3);
    const restored = new AutoForecasters(SETTINGS, 10);
    restored.restore(checkpoint.byKey);
    expect(restored.size).toBe(2);
    expect(JSON.parse(JSON.stringify(restored.state()))).toEqual(checkpoint.byKey);
  });

  it('holds a model or byKey, never both nor neither', () => {
    const net = network({ inputs: 2, layers: [dense(1, linear)], seed: 1 });
    const withModel = toCheckpoint({ network: net, optimizer: adam(), samples: 0 });
    expect(() => parseCheckpoint({ ...withModel, byKey: [] })).toThrow(
      'parseCheckpoint: byKey: cannot be beside a model: a checkpoint holds one model, or the automatic learner',
    );
    const { model: _, ...neither } = withModel;
    expect(() => parseCheckpoint(neither)).toThrow(
      'parseCheckpoint: model: is required in a checkpoint (or byKey, the state of the automatic learner)',
    );
  });

  it('names the wrong field of a series state, and twice the same key', () => {
    const bad = autoCheckpoint() as { byKey: { key: unknown; state: { buffer: unknown } }[] };
    bad.byKey[1].state.buffer = [{ x: [1], y: 'two' }];
    expect(() => parseCheckpoint(bad)).toThrow(
      'parseCheckpoint: byKey[1].state.buffer[0].y: Invalid input: expected number, received string',
    );
    const twice = autoCheckpoint() as { byKey: { key: unknown }[] };
    twice.byKey[1].key = 'a';
    expect(() => parseCheckpoint(twice)).toThrow(
      'parseCheckpoint: byKey[1].key: "a" is there twice',
    );
  });

  it('is refused by fromCheckpoint, which makes one model', () => {
    expect(() => fromCheckpoint(autoCheckpoint())).toThrow(
      /^fromCheckpoint: model: absent: this checkpoint holds the automatic learner of streamprop run --lags/,
    );
  });
});

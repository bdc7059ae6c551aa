// Which backend a network gets, and the errors of a wrong or impossible choice.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  type Activation,
  type Backend,
  dense,
  jsBackend,
  linear,
  network,
  tanh,
  wasmBackend,
} from '../../src/index.js';

/** An activation of the user's own: tanh under another name. */
const custom: Activation = { ...tanh, name: 'tanh' };

describe('choosing a backend', () => {
  it('takes the WebAssembly backend by default where it runs (Node 20 has SIMD)', () => {
    const net = network({ inputs: 2, layers: [dense(3, tanh), dense(1, linear)] });
    expect(net.backend).toBe(wasmBackend());
    expect(net.backend.name).toBe('wasm');
    expect(net.parameters.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('takes the JavaScript backend when asked, and for an activation a user wrote', () => {
    const asked = network({ inputs: 2, layers: [dense(1, tanh)], backend: jsBackend() });
    expect(asked.backend.name).toBe('js');
    expect(asked.parameters.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    const own = network({ inputs: 2, layers: [dense(3, custom), dense(1, linear)] });
    expect(own.backend.name).toBe('js');
  });

  it('refuses the WebAssembly backend for an activation a user wrote, naming the layer', () => {
    expect(() =>
      network({ inputs: 2, layers: [dense(3, tanh), dense(1, custom)], backend: wasmBackend() }),
    ).toThrow(
      /network: layers\[1\]: the WebAssembly backend runs the built-in activations only; use jsBackend\(\)/,
    );
  });

  it.each([
    ['a name', 'wasm', 'network: backend must be jsBackend() or wasmBackend(), got "wasm"'],
    ['an object', { name: 'wasm' }, 'network: backend must be jsBackend() or wasmBackend()'],
  ])('a backend that is %s throws naming backend', (_label, backend, message) => {
    expect(() =>
      network({ inputs: 1, layers: [dense(1, linear)], backend: backend as unknown as Backend }),
    ).toThrow(message);
  });

  it('a fastMath that is not a boolean throws naming fastMath', () => {
    expect(() =>
      network({ inputs: 1, layers: [dense(1, linear)], fastMath: 1 as unknown as boolean }),
    ).toThrow(/network: fastMath must be/);
  });

  it('without WebAssembly (node --jitless): the JavaScript backend, and wasmBackend() says why not', () => {
    const script = `
      import { dense, linear, network, wasmBackend } from './dist/src/index.js';
      const net = network({ inputs: 1, layers: [dense(1, linear)] });
      let error = '';
      try { network({ inputs: 1, layers: [dense(1, linear)], backend: wasmBackend() }); }
      catch (e) { error = e.message; }
      console.log(JSON.stringify({ name: net.backend.name, error, y: net.predict([2])[0] === net.parameters[0] * 2 + net.parameters[1] }));`;
    const out = execFileSync(process.execPath, ['--jitless', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({
      name: 'js',
      error: 'network: the wasm backend cannot run here: this runtime has no WebAssembly',
      y: true,
    });
  });
});

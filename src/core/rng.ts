import { z } from 'zod';
import { checkInstance, checkInteger } from '../checks/argumentChecks.js';

/**
 * A seeded pseudo-random number generator. Every random choice streamprop makes (weight
 * initialisation, shuffling, noise) draws from one of these, never from `Math.random`, so the
 * same seed gives the same network and the same run, bit for bit.
 *
 * @example
 * ```ts
 * import { rng } from 'streamprop';
 * const random = rng(42);
 * const u = random.next();   // uniform in [0, 1)
 * const g = random.normal(); // standard normal
 * ```
 */
export interface Rng {
  /** A uniform draw in [0, 1). */
  next(): number;
  /** A standard normal draw (mean 0, standard deviation 1). */
  normal(): number;
}

class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = 0;
  private hasSpare = false;

  /** The whole state: the four words and the spare normal draw (`null` when there is none). */
  state(): RngState {
    // `a` is kept as a signed word (an xor); the state saves every word unsigned.
    return {
      a: this.a >>> 0,
      b: this.b >>> 0,
      c: this.c >>> 0,
      d: this.d >>> 0,
      spare: this.hasSpare ? this.spare : null,
    };
  }

  /** Puts back a state taken by {@link Sfc32.state}. */
  restore(state: RngState): void {
    this.a = state.a >>> 0;
    this.b = state.b >>> 0;
    this.c = state.c >>> 0;
    this.d = state.d >>> 0;
    this.hasSpare = state.spare !== null;
    this.spare = state.spare ?? 0;
  }

  /** From the four words of sfc32's state as they are (see {@link sfc32FromState}). */
  static fromState(a: number, b: number, c: number, d: number): Sfc32 {
    const g = new Sfc32(0);
    g.a = a >>> 0;
    g.b = b >>> 0;
    g.c = c >>> 0;
    g.d = d >>> 0;
    return g;
  }

  constructor(seed: number) {
    // Spread the seed over the four words with a splitmix-style hash, then warm up.
    let s = seed >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    // Box–Muller; 1 - u keeps the logarithm away from zero.
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    this.hasSpare = true;
    return r * Math.cos(2 * Math.PI * v);
  }
}

/**
 * Creates a seeded generator (the small-state `sfc32` algorithm, seeded through a splitmix hash).
 *
 * @param seed - any integer; only its low 32 bits are used.
 * @throws RangeError when `seed` is not a finite integer.
 *
 * @example
 * ```ts
 * import { rng } from 'streamprop';
 * const a = rng(7).next();
 * const b = rng(7).next();
 * console.log(a === b); // true
 * ```
 */
export function rng(seed: number): Rng {
  checkInteger('rng', 'seed', seed);
  return new Sfc32(seed);
}

/**
 * @internal A generator started from the four 32-bit words of sfc32's state (a, b, c and the
 * counter) as they are, with no seeding and no warm-up: the known-answer tests compare its draws
 * with the algorithm's reference definition.
 */
export function sfc32FromState(a: number, b: number, c: number, counter: number): Rng {
  return Sfc32.fromState(a, b, c, counter);
}

const word = z.number().int().nonnegative().max(0xffffffff);

/**
 * @internal The saved state of a generator made by {@link rng}: sfc32's four 32-bit words and
 * the spare normal draw of Box–Muller (`null` when there is none).
 */
export const rngStateSchema = z.strictObject({
  a: word,
  b: word,
  c: word,
  d: word,
  spare: z.number().finite().nullable(),
});

/** @internal The state of a generator made by {@link rng}, as {@link rngState} gives it. */
export type RngState = z.infer<typeof rngStateSchema>;

/**
 * @internal The state of `random`, a generator made by {@link rng}: restoring it with
 * {@link restoreRng} makes the generator draw the same numbers from there on.
 *
 * @throws TypeError when `random` was not made by `rng`.
 */
export function rngState(random: Rng): RngState {
  return sfc32(random).state();
}

/**
 * @internal Puts back into `random` (made by {@link rng}) a state taken by {@link rngState}
 * (checked by {@link rngStateSchema} beforehand).
 *
 * @throws TypeError when `random` was not made by `rng`.
 */
export function restoreRng(random: Rng, state: RngState): void {
  sfc32(random).restore(state);
}

function sfc32(random: Rng): Sfc32 {
  return checkInstance('rng', 'random', random, Sfc32, 'a generator made by rng(seed)');
}

/**
 * @internal The texts of byte ranges, one string per distinct text while it stays in the cache:
 * reading the same key again and again gives the same string, so reading it allocates nothing
 * and a `Map` keyed by it finds its hash already computed. A fixed number of slots, chosen by a
 * hash of the bytes (FNV-1a); a slot holds the newest text that fell in it.
 */
export class InternedTexts {
  private readonly bytes: (Uint8Array | undefined)[];
  private readonly texts: string[];
  private readonly mask: number;

  /** @param slots a power of two */
  constructor(slots = 1024) {
    this.bytes = new Array(slots).fill(undefined);
    this.texts = new Array(slots).fill('');
    this.mask = slots - 1;
  }

  /** The UTF-8 text of `source` from `start` to `end` (excluded). */
  text(source: Buffer, start: number, end: number): string {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ source[i], 0x01000193);
    const slot = (hash ^ (hash >>> 16)) & this.mask;
    const held = this.bytes[slot];
    if (held !== undefined && held.length === end - start) {
      let i = 0;
      while (i < held.length && held[i] === source[start + i]) i++;
      if (i === held.length) return this.texts[slot];
    }
    const text = source.toString('utf8', start, end);
    this.bytes[slot] = new Uint8Array(source.subarray(start, end)); // a copy
    this.texts[slot] = text;
    return text;
  }
}

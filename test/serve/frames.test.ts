import { describe, expect, it } from 'vitest';
import { wireFrame } from '../../src/serve/frames.js';

describe('wireFrame', () => {
  it('builds final, unmasked text frames with the three length encodings', () => {
    for (const length of [0, 125, 126, 65_535, 65_536, 200_000]) {
      const text = 'é'.repeat(Math.floor(length / 2)) + 'x'.repeat(length % 2); // 2 bytes each
      const frame = wireFrame(text);
      expect(frame[0]).toBe(0x81);
      expect(frame[1] & 0x80).toBe(0); // not masked
      let offset = 2;
      let declared = frame[1];
      if (declared === 126) {
        declared = frame.readUInt16BE(2);
        offset = 4;
      } else if (declared === 127) {
        declared = frame.readUInt32BE(2) * 2 ** 32 + frame.readUInt32BE(6);
        offset = 10;
      }
      expect(declared).toBe(length);
      expect(frame.length).toBe(offset + length);
      expect(frame.subarray(offset).toString('utf8')).toBe(text);
      // the shortest encoding, as RFC 6455 requires
      expect(offset).toBe(length < 126 ? 2 : length < 65_536 ? 4 : 10);
    }
  });
});

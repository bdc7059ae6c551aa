// LineScanner: lines cut out of bytes as they stream, the overlong ones and (for CSV) the ones
// that leave a quote open set aside — the same result however the input is cut into chunks,
// and the same as a plain reference that holds every line whole.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineScanner, type LineSink } from '../../streams/lineScanner.js';

type Event = string | { line: number; kind: string; preview: string };

/** What the scanner hands on for `chunks`: good text (joined) and the lines set aside. */
function scan(chunks: Buffer[], perLine: boolean, csv: boolean, maxBytes: number): Event[] {
  const scanner = new LineScanner({
    maxBytes,
    perLine,
    ...(csv ? { csv: { quote: '"', delimiter: ',' } } : {}),
  });
  const events: Event[] = [];
  let text = '';
  const sink: LineSink = {
    good: (buffer, start, end) => {
      if (perLine) events.push(buffer.toString('utf8', start, end));
      else text += buffer.toString('utf8', start, end);
    },
    bad: (line, kind, preview) => {
      if (text !== '') events.push(text);
      text = '';
      events.push({ line, kind, preview });
    },
  };
  for (const chunk of chunks) scanner.push(chunk, sink);
  scanner.end(sink);
  if (text !== '') events.push(text);
  return events;
}

/** The reference: split the whole text into lines, judge each line whole. */
function reference(input: string, perLine: boolean, csv: boolean, maxBytes: number): Event[] {
  const events: Event[] = [];
  let text = '';
  const parts = input.split('\n');
  parts.forEach((raw, i) => {
    const last = i === parts.length - 1;
    if (last && raw === '') return;
    const body = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const bytes = Buffer.byteLength(body);
    const kind = bytes > maxBytes ? 'tooLarge' : csv && opensQuote(body) ? 'openQuote' : undefined;
    if (kind !== undefined) {
      if (text !== '') events.push(text);
      text = '';
      events.push({ line: i + 1, kind, preview: Buffer.from(body).subarray(0, 201).toString() });
    } else if (perLine) {
      events.push(body);
    } else {
      text += last ? raw : `${raw}\n`;
    }
  });
  if (text !== '') events.push(text);
  return events;
}

function opensQuote(line: string): boolean {
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') i++;
      else if (c === '"') quoted = false;
    } else if (fieldStart && c === '"') {
      quoted = true;
      fieldStart = false;
    } else {
      fieldStart = c === ',';
    }
  }
  return quoted;
}

const piece = fc.constantFrom('a', '1', ',', '"', '""', 'é', '\r', ' ', 'xyz');
const line = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
const input = fc
  .array(line, { maxLength: 12 })
  .chain((lines) =>
    fc.boolean().map((endsWithNewline) => lines.join('\n') + (endsWithNewline ? '\n' : '')),
  );

/** `bytes` cut at the given points. */
function cut(bytes: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of at) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

describe('LineScanner', () => {
  it('gives the reference result however the input is cut into chunks', () => {
    fc.assert(
      fc.property(
        input,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 20 }),
        (text, points, perLine, csv, maxBytes) => {
          const bytes = Buffer.from(text, 'utf8');
          expect(scan(cut(bytes, points), perLine, csv, maxBytes)).toEqual(
            reference(text, perLine, csv, maxBytes),
          );
        },
      ),
      { numRuns: 2000, seed: 909 },
    );
  });

  it('never holds more than the limit of a long line', () => {
    const scanner = new LineScanner({ maxBytes: 1000 });
    const bad: number[] = [];
    const sink: LineSink = { good: () => {}, bad: (lineNo) => bad.push(lineNo) };
    const held = (): number => (scanner as unknown as { held: Buffer }).held.length;
    let most = 0;
    for (let i = 0; i < 1000; i++) {
      scanner.push(Buffer.alloc(65_536, 'x'), sink); // one 64 MiB line
      most = Math.max(most, held());
    }
    scanner.push(Buffer.from('\n1,2\n'), sink);
    scanner.end(sink);
    expect(most).toBeLessThanOrEqual(1001);
    expect(bad).toEqual([1]);
  });
});

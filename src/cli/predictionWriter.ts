/** One prediction (or the error of a sample that could not be predicted), as it is written. */
export interface PredictionRecord {
  readonly seq: number;
  readonly id?: unknown;
  readonly key?: unknown;
  readonly t?: unknown;
  readonly prediction?: number | readonly number[];
  readonly error?: string;
}

/**
 * Writes predictions as NDJSON (one object per line) or as CSV: a header
 * `seq,id,key,t,prediction,error` (`prediction1 … predictionN` for a network of N outputs), then
 * one record per sample, fields quoted when they hold a comma, a quote or a line break.
 *
 * @example
 * ```ts
 * import { predictionWriter } from './predictionWriter.js';
 * const write = predictionWriter('csv', 1, (text) => process.stdout.write(text));
 * write({ seq: 0, id: 'a', prediction: 21.4 }); // seq,id,key,t,prediction,error\n0,a,,,21.4,\n
 * ```
 */
export function predictionWriter(
  format: 'ndjson' | 'csv',
  outputs: number,
  write: (text: string) => unknown,
): (record: PredictionRecord) => void {
  if (format === 'ndjson') return (record) => write(`${JSON.stringify(record)}\n`);
  const predictions =
    outputs === 1
      ? ['prediction']
      : Array.from({ length: outputs }, (_, i) => `prediction${i + 1}`);
  let started = false;
  return (record) => {
    if (!started) {
      started = true;
      write(`${['seq', 'id', 'key', 't', ...predictions, 'error'].join(',')}\n`);
    }
    const values =
      record.prediction === undefined
        ? predictions.map(() => '')
        : typeof record.prediction === 'number'
          ? [String(record.prediction)]
          : record.prediction.map(String);
    const fields = [record.seq, record.id, record.key, record.t, ...values, record.error];
    write(`${fields.map(csvField).join(',')}\n`);
  };
}

function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Columns of numbers that keep only the latest `capacity` rows: the data of one chart, in the
 * column-per-series layout uPlot draws (`columns[0]` the x values, one column per line).
 * `null` marks a gap.
 *
 * @example
 * ```ts
 * const b = new SeriesBuffer(2, 3);
 * b.push([1, 10]); b.push([2, 20]); b.push([3, 30]); b.push([4, null]);
 * b.columns; // [[2, 3, 4], [20, 30, null]]
 * ```
 */
export class SeriesBuffer {
  /** The columns, oldest row first; read them, never change them. */
  readonly columns: (number | null)[][];

  constructor(
    width: number,
    private readonly capacity: number,
  ) {
    if (!Number.isInteger(width) || width < 1) throw new RangeError('width must be ≥ 1');
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be ≥ 1');
    this.columns = Array.from({ length: width }, () => []);
  }

  /** Rows held (at most `capacity`). */
  get length(): number {
    return this.columns[0].length;
  }

  /** The x value of the newest row, or `undefined` when empty. */
  get lastX(): number | undefined {
    const x = this.columns[0];
    const last = x[x.length - 1];
    return last === null ? undefined : last;
  }

  /** Appends one row (one value per column), dropping the oldest rows beyond the capacity. */
  push(row: readonly (number | null)[]): void {
    const columns = this.columns;
    for (let c = 0; c < columns.length; c++) columns[c].push(row[c] ?? null);
    // Trim in batches of a quarter of the capacity: amortised O(1) per row.
    const excess = columns[0].length - this.capacity;
    if (excess > 0 && excess >= Math.max(1, this.capacity >> 2)) {
      for (const column of columns) column.splice(0, excess);
    }
  }

  /** The columns trimmed to the capacity (what to draw). */
  view(): (number | null)[][] {
    const excess = this.columns[0].length - this.capacity;
    if (excess <= 0) return this.columns;
    return this.columns.map((column) => column.slice(excess));
  }

  /** Forgets every row. */
  clear(): void {
    for (const column of this.columns) column.length = 0;
  }
}

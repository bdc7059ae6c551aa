const fourDigits = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * How the page writes a figure: `–` when there is none, counts as whole numbers with
 * thousands separators, other values to four significant digits (`0.07123`, `1,234`), and
 * very small or very large ones (under 10⁻⁴, from 10⁹) in exponent form (`2.50e-5`).
 *
 * @param value The figure (`null`/`undefined`/NaN: none).
 * @param integer Whether it is a count (`rejected`, `drifts`, `seq`).
 *
 * @example
 * ```ts
 * formatFigure(0.0712345); // '0.07123'
 * formatFigure(12345, true); // '12,345'
 * formatFigure(undefined); // '–'
 * ```
 */
export function formatFigure(value: number | null | undefined, integer = false): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (integer) return whole.format(value);
  const size = Math.abs(value);
  if (value !== 0 && (size < 1e-4 || size >= 1e9)) return value.toExponential(2);
  return fourDigits.format(value);
}

import uPlot from 'uplot';
import { MetricsColumn, type Track } from './dashboardState.js';
import { formatFigure } from './formatFigure.js';

/** The palette of the charts (matches dashboard.css). */
export const colors = {
  rmse: '#38bdf8',
  mae: '#f59e0b',
  actual: '#94a3b8',
  prediction: '#4ade80',
  learningRate: '#c084fc',
  throughput: '#2dd4bf',
  drift: '#fb7185',
  axis: '#94a3b8',
  grid: 'rgba(148, 163, 184, 0.12)',
};

/** The four charts of the page and how to refresh them from a track. */
export interface Charts {
  /** Redraws every chart from `track`'s series and sets each panel's `data-points`. */
  update(track: Track): void;
  /**
   * Labels the error chart's y axis with what the error is measured in (`°C · temperature`;
   * none for `undefined`), also set as the panel's `data-y-label`.
   */
  errorAxis(label: string | undefined): void;
}

/** Which x values the drift markers go to: sample `seq`s, or times interpolated from them. */
type DriftPlacement = 'seq' | 'time';

/**
 * Creates the uPlot charts inside the page's panels (`[data-chart=…] .plot`): rolling RMSE
 * and MAE over time with drift markers, prediction against actual by sample number (first
 * output) with drift markers, the learning rate and the samples/s over time. Each chart
 * follows its panel's size.
 *
 * @example
 * ```ts
 * const charts = createCharts(document);
 * charts.update(state.shown);
 * ```
 */
export function createCharts(root: ParentNode): Charts {
  let shown: Track | undefined;
  const drifts = (placement: DriftPlacement): DriftSource => ({
    placement,
    get track() {
      return shown;
    },
  });
  let errorLabel = '';
  const error = chart(
    root,
    'error',
    drifts('time'),
    true,
    [line('RMSE', colors.rmse, 2), line('MAE', colors.mae, 1.5)],
    undefined,
    () => errorLabel,
  );
  const prediction = chart(root, 'prediction', drifts('seq'), false, [
    line('actual', colors.actual, 3),
    line('prediction', colors.prediction, 1.5),
  ]);
  const learningRate = chart(
    root,
    'learningRate',
    undefined,
    true,
    [line('learning rate', colors.learningRate, 2)],
    fromZero,
  );
  const throughput = chart(
    root,
    'throughput',
    undefined,
    true,
    [{ ...line('samples/s', colors.throughput, 2), fill: 'rgba(45, 212, 191, 0.12)' }],
    fromZero,
  );
  return {
    update(track: Track): void {
      shown = track;
      const m = track.metrics.view();
      const p = track.predictions.view();
      const c = MetricsColumn;
      error.set([m[c.t], m[c.rmse], m[c.mae]]);
      prediction.set([p[0], p[1], p[2]]);
      learningRate.set([m[c.t], m[c.learningRate]]);
      throughput.set([m[c.t], m[c.samplesPerSecond]]);
    },
    errorAxis(label: string | undefined): void {
      errorLabel = label ?? '';
      error.labelled(errorLabel);
    },
  };
}

interface DriftSource {
  readonly placement: DriftPlacement;
  readonly track: Track | undefined;
}

interface Panel {
  set(data: (number | null)[][]): void;
  /** Redraws the y axis after its label changed, and sets the panel's `data-y-label`. */
  labelled(label: string): void;
}

function line(label: string, stroke: string, width: number): uPlot.Series {
  // Dots only while there are too few points to draw a line.
  return {
    label,
    stroke,
    width,
    spanGaps: false,
    points: { show: fewPoints, size: 5, fill: stroke },
  };
}

function chart(
  root: ParentNode,
  name: string,
  drifts: DriftSource | undefined,
  time: boolean,
  series: uPlot.Series[],
  yRange?: uPlot.Range.Function,
  yLabel?: () => string,
): Panel {
  const panel = root.querySelector<HTMLElement>(`[data-chart="${name}"]`);
  const host = panel?.querySelector<HTMLElement>('.plot');
  if (panel === null || panel === undefined || host === null || host === undefined) {
    throw new Error(`dashboard: no [data-chart="${name}"] .plot element`);
  }
  const axis: uPlot.Axis = {
    stroke: colors.axis,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1, size: 4 },
    font: '11px system-ui, sans-serif',
  };
  const options: uPlot.Options = {
    width: Math.max(100, host.clientWidth),
    height: Math.max(80, host.clientHeight),
    ms: 1,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    scales: { x: { time }, y: yRange === undefined ? {} : { range: yRange } },
    axes: [
      {
        ...axis,
        size: 28,
        space: 70,
        ...(time
          ? { values: (_u, ticks, _i, _space, step) => ticks.map((t) => clockLabel(t, step)) }
          : {}),
      },
      {
        ...axis,
        size: 58,
        values: (_u, ticks) => ticks.map(tickLabel),
        ...(yLabel === undefined
          ? {}
          : { label: () => yLabel(), labelSize: 16, labelFont: axis.font }),
      },
    ],
    series: [{}, ...series],
    plugins: [readout(panel, time), ...(drifts === undefined ? [] : [driftMarkers(drifts)])],
  };
  const plot = new uPlot(options, [[], ...series.map(() => [])], host);
  new ResizeObserver(() => {
    const width = Math.floor(host.clientWidth);
    const height = Math.floor(host.clientHeight);
    if (width > 0 && height > 0 && (width !== plot.width || height !== plot.height)) {
      plot.setSize({ width, height });
    }
  }).observe(host);
  return {
    set(data: (number | null)[][]): void {
      panel.dataset.points = String(data[0].length);
      plot.setData(data as uPlot.AlignedData);
    },
    labelled(label: string): void {
      if (label === '') delete panel.dataset.yLabel;
      else panel.dataset.yLabel = label;
      plot.redraw(false, true);
    },
  };
}

function fewPoints(u: uPlot, _series: number, first: number, last: number): boolean {
  return u.data[0].length < 3 || last - first < 2;
}

/** A y range from 0 to a little above the largest value (for rates and throughput). */
function fromZero(_u: uPlot, _min: number | null, max: number | null): uPlot.Range.MinMax {
  const top = max === null || !(max > 0) ? 1 : max * 1.15;
  return [0, top];
}

/**
 * Time-axis labels on one line, local time, as precise as the ticks are apart: `14:05:09`,
 * `14:05:09.5` (ticks under 1 s apart) or `14:05:09.520` (under 100 ms).
 */
function clockLabel(ms: number, step: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  const clock = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  if (step >= 1000) return clock;
  const millis = String(d.getMilliseconds()).padStart(3, '0');
  return `${clock}.${step >= 100 ? millis[0] : millis}`;
}

/** Axis labels: short, without float noise (0.30000000000000004 → 0.3). */
function tickLabel(value: number): string {
  if (value === 0) return '0';
  const size = Math.abs(value);
  if (size < 1e-4 || size >= 1e6) return value.toExponential(1);
  return String(Number(value.toPrecision(4)));
}

/**
 * The values under the cursor, written into the panel's `.readout` element (empty when the
 * cursor leaves the chart): `14:05:09 · RMSE 0.0832 · MAE 0.0654`.
 */
function readout(panel: HTMLElement, time: boolean): uPlot.Plugin {
  const out = panel.querySelector<HTMLElement>('.readout');
  return {
    hooks: {
      setCursor: [
        (u: uPlot) => {
          if (out === null) return;
          const i = u.cursor.idx;
          const x = i === null || i === undefined ? undefined : u.data[0][i];
          if (i === null || i === undefined || x === undefined) {
            out.textContent = '';
            return;
          }
          const parts = [time ? clockLabel(x, 0) : `#${x}`];
          for (let s = 1; s < u.series.length; s++) {
            const value = u.data[s][i];
            if (value !== null && value !== undefined) {
              parts.push(`${u.series[s].label} ${formatFigure(value)}`);
            }
          }
          out.textContent = parts.join(' · ');
        },
      ],
    },
  };
}

/** Dashed vertical lines at the drift events of the shown track. */
function driftMarkers(source: DriftSource): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u: uPlot) => {
          const track = source.track;
          if (track === undefined || track.drifts.length === 0) return;
          const ctx = u.ctx;
          const { left, top, width, height } = u.bbox;
          ctx.save();
          ctx.strokeStyle = colors.drift;
          ctx.fillStyle = colors.drift;
          ctx.lineWidth = Math.max(1, devicePixelRatio);
          ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
          ctx.font = `${10 * devicePixelRatio}px system-ui, sans-serif`;
          for (const seq of track.drifts) {
            const x = source.placement === 'seq' ? seq : timeOfSeq(track, seq);
            if (x === undefined) continue;
            const px = Math.round(u.valToPos(x, 'x', true));
            if (px < left || px > left + width) continue;
            ctx.beginPath();
            ctx.moveTo(px, top);
            ctx.lineTo(px, top + height);
            ctx.stroke();
            ctx.fillText('drift', px + 3 * devicePixelRatio, top + 10 * devicePixelRatio);
          }
          ctx.restore();
        },
      ],
    },
  };
}

/** The time at which sample `seq` was counted, interpolated between metrics snapshots. */
function timeOfSeq(track: Track, seq: number): number | undefined {
  const columns = track.metrics.view();
  const seqs = columns[MetricsColumn.seq];
  const times = columns[MetricsColumn.t];
  const n = seqs.length;
  if (n === 0) return undefined;
  let hi = 0;
  while (hi < n && (seqs[hi] as number) < seq) hi++;
  if (hi === n) return times[n - 1] as number;
  if (hi === 0) return (seqs[0] as number) === seq ? (times[0] as number) : undefined;
  const s0 = seqs[hi - 1] as number;
  const s1 = seqs[hi] as number;
  const t0 = times[hi - 1] as number;
  const t1 = times[hi] as number;
  return s1 === s0 ? t1 : t0 + ((seq - s0) / (s1 - s0)) * (t1 - t0);
}

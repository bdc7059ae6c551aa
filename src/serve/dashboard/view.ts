import type { ConnectionStatus } from './connection.js';
import type { DashboardState } from './dashboardState.js';
import { formatFigure } from './formatFigure.js';
import type { HelloMessage, MetricsMessage } from './messages.js';

/** The figures shown, by their `data-figure` name, and whether each is a count. */
const FIGURES: readonly (readonly [keyof MetricsMessage & string, boolean])[] = [
  ['rmse', false],
  ['mae', false],
  ['r2', false],
  ['learningRate', false],
  ['samplesPerSecond', false],
  ['rejected', true],
  ['drifts', true],
  ['seq', true],
];

/**
 * Writes the page's text: the figure cards (each `[data-figure=name]` gets the formatted
 * value as text and the exact number in `data-value`; their container `#figures` gets
 * `data-seq` and `data-key` of the snapshot shown), the key selector, the connection state
 * (`#connection[data-connection]`), the model summary and the event log.
 *
 * @example
 * ```ts
 * const view = new View(document, (key) => { state.selected = key; });
 * view.figures(state.shown.last);
 * ```
 */
export class View {
  private readonly figureBox: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly picker: HTMLElement;
  private readonly status: HTMLElement;
  private readonly statusText: HTMLElement;
  private readonly model: HTMLElement;
  private readonly logList: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly spark: SVGPolylineElement;
  private readonly total: HTMLElement;
  private readonly errorUnit: HTMLElement;
  private readonly candidateBox: HTMLElement;
  private readonly candidateRows: HTMLElement;
  private countdown: ReturnType<typeof setInterval> | undefined = undefined;

  constructor(
    private readonly doc: Document,
    onSelect: (key: string) => void,
  ) {
    this.figureBox = element(doc, '#figures');
    this.select = element(doc, '#key-select') as HTMLSelectElement;
    this.picker = element(doc, '#key-picker');
    this.status = element(doc, '#connection');
    this.statusText = element(doc, '#connection .status-text');
    this.model = element(doc, '#model');
    this.logList = element(doc, '#event-log');
    this.grid = element(doc, '#charts');
    this.total = element(doc, '#total-samples-per-second');
    this.errorUnit = element(doc, '#error-unit');
    this.candidateBox = element(doc, '#candidates');
    this.candidateRows = element(doc, '#candidate-rows');
    const spark = doc.querySelector<SVGPolylineElement>('#learning-rate-spark polyline');
    if (spark === null) throw new Error('dashboard: no #learning-rate-spark polyline');
    this.spark = spark;
    this.select.addEventListener('change', () => onSelect(this.select.value));
  }

  /** Shows a snapshot's figures (dashes for none). */
  figures(m: MetricsMessage | undefined): void {
    for (const [name, integer] of FIGURES) {
      const cell = this.figureBox.querySelector<HTMLElement>(`[data-figure="${name}"]`);
      if (cell === null) continue;
      const value = m?.[name];
      const number = typeof value === 'number' ? value : undefined;
      cell.textContent = formatFigure(number, integer);
      if (number === undefined) delete cell.dataset.value;
      else cell.dataset.value = String(number);
    }
    if (m === undefined) {
      delete this.figureBox.dataset.seq;
      delete this.figureBox.dataset.key;
    } else {
      this.figureBox.dataset.seq = String(m.seq);
      this.figureBox.dataset.key = m.key === null || m.key === undefined ? '' : String(m.key);
    }
  }

  /**
   * Shows the candidates of an ensemble, from the latest metrics snapshot: one row each
   * (`tr[data-candidate=name]` with `data-weight` and `data-rmse`), heaviest first; hidden
   * when the learner is not an ensemble.
   */
  candidates(m: MetricsMessage | undefined): void {
    const candidates = m?.candidates;
    this.candidateBox.hidden = candidates === undefined || candidates.length === 0;
    if (candidates === undefined) {
      this.candidateRows.replaceChildren();
      return;
    }
    const rows = [...candidates]
      .sort((a, b) => b.weight - a.weight)
      .map((c) => {
        const row = this.doc.createElement('tr');
        row.dataset.candidate = c.name;
        row.dataset.weight = String(c.weight);
        if (c.rmse !== null) row.dataset.rmse = String(c.rmse);
        const name = this.doc.createElement('td');
        name.className = 'name';
        name.textContent = c.name;
        const weight = this.doc.createElement('td');
        weight.className = 'weight';
        weight.style.setProperty('--w', `${Math.round(100 * c.weight)}%`);
        weight.textContent = `${(100 * c.weight).toFixed(0)} %`;
        const rmse = this.doc.createElement('td');
        rmse.className = 'rmse';
        rmse.textContent = formatFigure(c.rmse ?? undefined);
        row.append(name, weight, rmse);
        return row;
      });
    this.candidateRows.replaceChildren(...rows);
  }

  /** Shows the samples per second of all keys together (`data-value` the exact number). */
  totalRate(total: number | undefined): void {
    this.total.textContent = formatFigure(total);
    if (total === undefined) delete this.total.dataset.value;
    else this.total.dataset.value = String(total);
  }

  /**
   * The learning rate's recent values: a sparkline in its card, and its chart only once it
   * has changed (`#charts[data-learning-rate]` is `flat` or `changing`).
   */
  learningRate(values: readonly (number | null)[]): void {
    const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    const changing = numbers.some((v) => v !== numbers[0]);
    this.grid.dataset.learningRate = changing ? 'changing' : 'flat';
    this.spark.setAttribute('points', sparkPoints(numbers.slice(-200)));
  }

  /** Rebuilds the key selector; it shows only when there are several keys. */
  keys(state: DashboardState): void {
    const keys = state.keys;
    this.picker.hidden = keys.length < 2;
    this.select.replaceChildren(
      ...keys.map((key) => {
        const option = this.doc.createElement('option');
        option.value = key;
        option.textContent = key;
        return option;
      }),
    );
    this.select.value = state.shownKey;
  }

  /** Shows the model summary of `hello`. */
  hello(hello: HelloMessage | undefined): void {
    this.model.textContent = hello === undefined ? '' : describeModel(hello);
    this.errorUnit.textContent = targetUnit(hello) ?? '';
  }

  /** Shows the connection state, with a countdown while waiting to retry. */
  connection(status: ConnectionStatus): void {
    clearInterval(this.countdown);
    this.status.dataset.connection = status.phase;
    const close = status.lastClose;
    this.status.title =
      close === undefined
        ? ''
        : `last close: ${close.code}${close.reason ? ` ${close.reason}` : ''}`;
    const write = (): void => {
      this.statusText.textContent = statusLine(status);
    };
    write();
    if (status.phase === 'waiting') this.countdown = setInterval(write, 250);
  }

  /** Shows the newest events first. */
  log(state: DashboardState): void {
    const items = state.log
      .slice(-40)
      .reverse()
      .map((entry) => {
        const li = this.doc.createElement('li');
        li.dataset.kind = entry.kind;
        const kind = this.doc.createElement('span');
        kind.className = 'kind';
        kind.textContent = entry.kind;
        const where = this.doc.createElement('span');
        where.className = 'where';
        const key = entry.key === null || entry.key === undefined ? '' : ` · ${entry.key}`;
        where.textContent = entry.seq === undefined ? '' : `#${entry.seq}${key}`;
        const text = this.doc.createElement('span');
        text.className = 'text';
        text.textContent = entry.text;
        li.append(kind, where, text);
        return li;
      });
    if (items.length === 0) {
      const li = this.doc.createElement('li');
      li.className = 'empty';
      li.textContent =
        'No events yet: drifts, learning-rate changes and rejected samples show here.';
      items.push(li);
    }
    this.logList.replaceChildren(...items);
  }
}

function element(doc: Document, selector: string): HTMLElement {
  const found = doc.querySelector<HTMLElement>(selector);
  if (found === null) throw new Error(`dashboard: no ${selector} element`);
  return found;
}

/**
 * What the error is measured in: `in °C`, `in units · units sold`, or the target's name alone
 * (`in temp_next`) — from `hello.target`; `undefined` when the server did not say.
 */
export function targetUnit(hello: HelloMessage | undefined): string | undefined {
  const label = targetLabel(hello);
  return label === undefined ? undefined : `in ${label}`;
}

/**
 * The label of the error chart's y axis: `°C`, `units · units sold`, or the target's name alone
 * (`temp_next`) — from `hello.target`; `undefined` when the server did not say.
 */
export function targetLabel(hello: HelloMessage | undefined): string | undefined {
  const { name, unit } = hello?.target ?? {};
  if (unit !== undefined && unit !== '') return name === undefined ? unit : `${unit} · ${name}`;
  if (name !== undefined && name !== '') return name;
  return undefined;
}

/** The points of a sparkline in a 100 × 20 box: oldest on the left; a flat series is a level line. */
function sparkPoints(values: readonly number[]): string {
  if (values.length === 0) return '';
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = high - low;
  const step = values.length > 1 ? 100 / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const y = span > 0 ? 18 - ((v - low) / span) * 16 : 10;
      return `${(i * step).toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

function statusLine(status: ConnectionStatus): string {
  switch (status.phase) {
    case 'connecting':
      return status.attempt === 0 ? 'Connecting…' : `Connecting… (retry ${status.attempt})`;
    case 'open':
      return 'Live';
    case 'waiting': {
      const seconds = Math.max(0, Math.ceil(((status.retryAt ?? 0) - Date.now()) / 1000));
      return `Disconnected · retry in ${seconds} s`;
    }
    case 'stopped':
      return 'Stopped';
  }
}

/** `8 → 16 tanh → 1 linear · rmsprop η 0.001` */
function describeModel(hello: HelloMessage): string {
  const model = hello.model;
  if (model === undefined || model === null) return '';
  const layers = (model.layers ?? []).map((l) => `${l.units} ${l.activation}`);
  const shape = [model.inputs === undefined ? undefined : String(model.inputs), ...layers]
    .filter((part) => part !== undefined)
    .join(' → ');
  const optimizer = model.optimizer;
  if (optimizer === undefined) return shape;
  const rate =
    optimizer.learningRate === undefined ? '' : ` η ${formatFigure(optimizer.learningRate)}`;
  return `${shape} · ${optimizer.name}${rate}`;
}

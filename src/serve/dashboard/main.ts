/**
 * The dashboard page's entry point: connects to the server's `/ws` (see `socketAddress`),
 * subscribes to every topic, feeds each frame to a {@link DashboardState} and redraws the
 * figures and charts at most once per animation frame.
 *
 * The page's address may carry `?token=<t>` (offered to the server as the subprotocol
 * `token.<t>`), `?key=<k>` (the key shown first) and `?rate=<Hz>` (the most predictions per
 * second to receive, default 20).
 */
import { createCharts } from './charts.js';
import { Connection } from './connection.js';
import { DashboardState, MetricsColumn } from './dashboardState.js';
import { parseServerMessage } from './messages.js';
import { socketAddress } from './socketAddress.js';
import { targetLabel, View } from './view.js';

const params = new URLSearchParams(location.search);
const state = new DashboardState();
const charts = createCharts(document);
const view = new View(document, (key) => {
  state.selected = key;
  draw();
});
state.selected = params.get('key') ?? undefined;
const maxRateHz = Number(params.get('rate') ?? 20) || 20;

let logDirty = false;
let scheduled = false;

function draw(): void {
  scheduled = false;
  const track = state.shown;
  charts.update(track);
  view.figures(track.last);
  view.candidates(track.last);
  view.totalRate(state.totalSamplesPerSecond);
  view.learningRate(track.metrics.view()[MetricsColumn.learningRate]);
  if (logDirty) view.log(state);
  logDirty = false;
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(draw);
}

const connection = new Connection(socketAddress(location.href), {
  onOpen: (send) =>
    send(
      JSON.stringify({ type: 'subscribe', topics: ['prediction', 'metrics', 'event'], maxRateHz }),
    ),
  onStatus: (status) => view.connection(status),
  onMessage: (text) => {
    const message = parseServerMessage(text);
    if (message === undefined) return;
    if (state.apply(message)) view.keys(state);
    if (message.type === 'hello') {
      view.hello(message);
      charts.errorAxis(targetLabel(message));
    }
    if (message.type === 'event' || message.type === 'error' || message.type === 'history') {
      logDirty = true;
    }
    schedule();
  },
});

view.keys(state);
view.log(state);
view.figures(undefined);
connection.start();

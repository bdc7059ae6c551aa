// The dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core
// (which never downloads a browser here: it launches /usr/bin/chromium). A learner trains on
// a sine feed and the real serve() publishes it; the page must fill its charts, show exactly
// the figures of the server's latest metrics frame, pick keys, use a token and come back after
// a server restart. Screenshots go to test-results/ (look at them: the page must look clean on
// a laptop screen). Needs `npm run build` (npm test does it) and `apt-get install chromium`
// (.ci/run does it); skipped without Chromium only outside CI.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { filter, map, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import WebSocket from 'ws';
import { linear, tanh } from '../../src/core/activations.js';
import { dense } from '../../src/core/dense.js';
import { mse } from '../../src/core/losses.js';
import { network } from '../../src/core/network.js';
import { pageHinkley } from '../../src/drift/pageHinkley.js';
import { detectDrift } from '../../src/operators/detectDrift.js';
import { resetOptimizer } from '../../src/operators/resetOptimizer.js';
import { train } from '../../src/operators/train.js';
import { rmsprop } from '../../src/optim/rmsprop.js';
import type { Sample } from '../../src/samples/sample.js';
import { formatFigure } from '../../src/serve/dashboard/formatFigure.js';
import { type MetricsMessage, serverMessageSchema } from '../../src/serve/protocol.js';
import { type DashboardServer, serve } from '../../src/serve/serve.js';
import type { Step } from '../../src/steps/step.js';
import { sineFeed } from '../../streams/sineFeed.js';
import { sleep, until } from '../polling.js';
import { runsWith } from '../requiredTool.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const RESULTS = 'test-results';

/** The figures of the page: data-figure name, and whether it is a count. */
const FIGURES = [
  ['rmse', false],
  ['mae', false],
  ['r2', false],
  ['learningRate', false],
  ['samplesPerSecond', false],
  ['rejected', true],
  ['drifts', true],
  ['seq', true],
] as const;

describe.runIf(runsWith('Chromium', haveChromium, 'chromium'))(
  'dashboard in headless Chromium',
  () => {
    let browser: Browser;
    const problemsOf = new Map<Page, string[]>();
    const shownOf = new Map<Page, unknown>();

    beforeAll(async () => {
      if (!haveChromium) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
      if (!existsSync('dist/dashboard/index.html')) {
        throw new Error('dist/dashboard/ is missing: run npm run build first');
      }
      mkdirSync(RESULTS, { recursive: true });
      // launch() gives Chromium a fresh, temporary --user-data-dir of its own, removed on close.
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('fills its charts and shows exactly the figures of the latest metrics frame', {
      timeout: 120_000,
    }, async () => {
      const learner = sensorLearner();
      const server = await serve(learner.steps, {
        metrics: { window: 200, everyMs: 50 },
        network: learner.net,
        optimizer: learner.optimizer,
        target: { name: 'temperature', unit: '°C' },
      });
      const watcher = await watch(server, ['metrics']);
      const page = await openPage(server.url, { width: 1366, height: 768 });
      try {
        await waitForPoints(page, 100);
        await page.waitForSelector('[data-figure="drifts"][data-value]:not([data-value="0"])', {
          timeout: 20_000,
        });
        expect(await page.getAttribute('#connection', 'data-connection')).toBe('open');
        expect(await page.textContent('#model')).toBe('8 → 16 tanh → 1 linear · rmsprop η 0.002');

        // Pause the feed: after at most one more snapshot the server's latest metrics stay put.
        learner.pause();
        const frame = await settled(page, watcher.lastMetrics);
        expect(frame.rejected).toBeGreaterThan(0);
        expect(frame.drifts).toBeGreaterThan(0);
        for (const [name, integer] of FIGURES) {
          const cell = page.locator(`[data-figure="${name}"]`);
          const expected = frame[name] ?? undefined;
          const value = await cell.getAttribute('data-value');
          if (expected === undefined) expect(value, name).toBeNull();
          else expect(Number(value), name).toBe(expected);
          expect(await cell.textContent(), name).toBe(formatFigure(expected, integer));
        }
        expect(watcher.invalid).toEqual([]);
        // The drift events reached the page's log: live, or in the history it got on connecting.
        await page.waitForSelector('#event-log li[data-kind="drift"]', { timeout: 10_000 });
        // The error carries the target's unit; the learning rate never changed: a card with a
        // sparkline, no chart.
        expect(await page.textContent('#error-unit')).toBe('in °C · temperature');
        expect(await page.getAttribute('[data-chart="error"]', 'data-y-label')).toBe(
          '°C · temperature',
        );
        expect(await page.getAttribute('#charts', 'data-learning-rate')).toBe('flat');
        expect(await page.isVisible('[data-chart="learningRate"]')).toBe(false);
        expect(await page.getAttribute('#learning-rate-spark polyline', 'points')).toMatch(
          /^0\.0,10\.0( [\d.]+,10\.0)+$/,
        );
        await page.screenshot({ path: join(RESULTS, 'dashboard.png') });
        await page.setViewportSize({ width: 1920, height: 1080 });
        // The charts follow their panels' new size (a ResizeObserver) before the picture.
        await page.waitForFunction(
          `[...document.querySelectorAll('[data-chart] .plot')].every((host) => {
            const canvas = host.querySelector('canvas');
            return host.clientWidth === 0 || (canvas !== null && Math.abs(canvas.clientWidth - host.clientWidth) <= 1);
          })`,
          undefined,
          { timeout: 20_000, polling: 100 },
        );
        await page.screenshot({ path: join(RESULTS, 'dashboard-1920.png') });
        // Hovering a chart reads its values out next to the title.
        const plot = await page.locator('[data-chart="error"] .plot').boundingBox();
        expect(plot).not.toBeNull();
        if (plot !== null)
          await page.mouse.move(plot.x + plot.width * 0.6, plot.y + plot.height / 2);
        await page.waitForSelector('[data-chart="error"] .readout:has-text("RMSE")', {
          timeout: 5000,
        });
        expect(await page.textContent('[data-chart="error"] .readout')).toMatch(
          /^\d\d:\d\d:\d\d(\.\d{1,3})? · RMSE \S+ · MAE \S+$/,
        );
        await page.screenshot({ path: join(RESULTS, 'dashboard-hover.png') });
      } finally {
        await closePage(page);
        watcher.close();
        await server.close();
      }
    });

    it('offers a key selector when there are several keys, and shows the chosen key', async () => {
      const learner = sensorLearner((sample, i) => ({
        ...sample,
        key: i % 2 === 0 ? 'north' : 'south',
      }));
      const server = await serve(learner.steps, { metrics: { window: 100, everyMs: 50 } });
      const page = await openPage(server.url, { width: 1366, height: 768 });
      try {
        await page.waitForSelector('#key-picker:not([hidden])', { timeout: 20_000 });
        const options = await page.locator('#key-select option').allTextContents();
        expect(options.sort()).toEqual(['north', 'south']);
        await page.selectOption('#key-select', 'south');
        await page.waitForSelector('#figures[data-key="south"]', { timeout: 10_000 });
        // The selected key's samples/s, and all keys' together: the two keys share the feed.
        await page.waitForFunction(
          `(() => { const key = Number(document.querySelector('[data-figure="samplesPerSecond"]')?.dataset.value);
            const total = Number(document.querySelector('#total-samples-per-second')?.dataset.value);
            return key > 0 && total > 1.5 * key && total < 2.5 * key; })()`,
          undefined,
          { timeout: 20_000, polling: 100 },
        );
        await page.screenshot({ path: join(RESULTS, 'dashboard-keys.png') });
      } finally {
        await closePage(page);
        await server.close();
      }
    });

    it('a page opened late shows the run so far at once: every series and the last events', async () => {
      const learner = sensorLearner((sample, i) => {
        // The learning rate changes once: then it is a chart, not a card.
        if (i === 1500) learner.optimizer.learningRate = 0.001;
        return sample;
      });
      const server = await serve(learner.steps, {
        metrics: { window: 200, everyMs: 50 },
        network: learner.net,
        optimizer: learner.optimizer,
      });
      const watcher = await watch(server, ['metrics', 'event']);
      try {
        // Learn until a drift and the rate change have happened, with no page open; then stop
        // the feed, so that whatever the page shows can only come from the history.
        await until(
          () => watcher.drifts() > 0 && (watcher.lastMetrics()?.seq ?? 0) > 2000,
          'a drift and 2,000 samples',
          30_000,
        );
        learner.pause();
        await until(() => watcher.lastMetricsAfter(300) !== undefined, 'the metrics to settle');
        const frame = watcher.lastMetrics() as MetricsMessage;
        const page = await openPage(server.url, { width: 1366, height: 768 });
        try {
          await waitForPoints(page, 20);
          await page.waitForSelector(`#figures[data-seq="${frame.seq}"]`, { timeout: 10_000 });
          expect(await page.locator('#event-log li[data-kind="drift"]').count()).toBeGreaterThan(0);
          expect(await page.getAttribute('#charts', 'data-learning-rate')).toBe('changing');
          expect(await page.isVisible('[data-chart="learningRate"]')).toBe(true);
          await page.screenshot({ path: join(RESULTS, 'dashboard-history.png') });
        } finally {
          await closePage(page);
        }
      } finally {
        watcher.close();
        await server.close();
      }
    });

    it('connects with ?token= as a subprotocol, and stays out without it', async () => {
      const learner = sensorLearner();
      const server = await serve(learner.steps, { token: 's3cret', metrics: { everyMs: 50 } });
      const withToken = await openPage(`${server.url}?token=s3cret`, { width: 1366, height: 768 });
      const without = await openPage(server.url, { width: 1366, height: 768 });
      try {
        await withToken.waitForSelector('#figures[data-seq]', { timeout: 20_000 });
        expect(await withToken.getAttribute('#connection', 'data-connection')).toBe('open');
        await without.waitForSelector('#connection[data-connection="waiting"]', {
          timeout: 20_000,
        });
        expect(await without.getAttribute('#figures', 'data-seq')).toBeNull();
      } finally {
        await closePage(withToken);
        await closePage(without);
        await server.close();
      }
    });

    it('reconnects with backoff when the server goes away and comes back', async () => {
      const first = await serve(sensorLearner().steps, { metrics: { everyMs: 50 } });
      const page = await openPage(first.url, { width: 1366, height: 768 });
      const port = first.port;
      let second: DashboardServer | undefined;
      try {
        await page.waitForSelector('#figures[data-seq]', { timeout: 20_000 });
        await first.close();
        await page.waitForSelector('#connection[data-connection="waiting"]', { timeout: 20_000 });
        await page.screenshot({ path: join(RESULTS, 'dashboard-disconnected.png') });
        second = await serve(sensorLearner().steps, { port, metrics: { everyMs: 50 } });
        await page.waitForSelector('#connection[data-connection="open"]', { timeout: 20_000 });
        // The new run starts from seq 0: the page starts its series afresh and fills them again.
        await page.waitForSelector('#figures[data-seq]', { timeout: 20_000 });
      } finally {
        await closePage(page);
        await second?.close();
      }
    });

    async function openPage(
      url: string,
      viewport: { width: number; height: number },
    ): Promise<Page> {
      const page = await browser.newPage({ viewport });
      const problems: string[] = [];
      const consoleLines: string[] = [];
      page.on('pageerror', (error) => problems.push(String(error)));
      page.on('console', (message) => {
        consoleLines.push(`${message.type()}: ${message.text()}`);
        if (
          message.type() === 'error' &&
          !/^WebSocket connection to .* failed/.test(message.text())
        ) {
          problems.push(message.text());
        }
      });
      problemsOf.set(page, problems);
      // When a test fails, say what the page showed (just before it closed) and logged.
      onTestFailed(() => {
        console.error(
          `page ${url}: ${shownOf.get(page)}\nproblems: ${problems.join('\n')}\nconsole:\n${consoleLines.join('\n')}`,
        );
      });
      await page.goto(url);
      return page;
    }

    /** Closes a page; it must have had no script error and no console error but connection ones. */
    async function closePage(page: Page): Promise<void> {
      shownOf.set(
        page,
        await page
          .evaluate(
            `JSON.stringify({ connection: document.querySelector('#connection')?.outerHTML,
            figures: { ...document.querySelector('#figures')?.dataset },
            keys: [...document.querySelectorAll('#key-select option')].map((o) => o.value),
            points: [...document.querySelectorAll('[data-chart]')].map((c) => c.dataset.points) })`,
          )
          .catch((error: unknown) => String(error)),
      );
      await page.close();
      expect(problemsOf.get(page)).toEqual([]);
    }
  },
);

/**
 * Once the feed is paused: waits until the server's latest metrics frame (as the second client
 * received it) has stayed the same for a while and the page shows that frame's `seq`; returns
 * the frame.
 */
async function settled(
  page: Page,
  latest: () => MetricsMessage | undefined,
): Promise<MetricsMessage> {
  const deadline = Date.now() + 30_000;
  let previous: MetricsMessage | undefined;
  for (;;) {
    await sleep(250);
    const frame = latest();
    const shown = await page.getAttribute('#figures', 'data-seq');
    if (frame !== undefined && frame === previous && shown === String(frame.seq)) return frame;
    if (Date.now() > deadline) {
      throw new Error(`the page shows seq ${shown}, the server last sent ${frame?.seq}`);
    }
    previous = frame;
  }
}

/** Waits until every chart of the page holds at least `n` points. */
async function waitForPoints(page: Page, n: number): Promise<void> {
  // A string, evaluated in the page (the tests' TypeScript has no DOM types).
  await page.waitForFunction(
    `(() => { const c = [...document.querySelectorAll('[data-chart]')];
      return c.length === 4 && c.every((e) => Number(e.dataset.points) >= ${n}); })()`,
    undefined,
    { timeout: 30_000, polling: 100 },
  );
}

/**
 * A sensor learner like the README's: a sine feed at 500 samples/s whose relation shifts
 * after 1,000 samples (so Page-Hinkley signals drift), with one sample in 97 made invalid
 * (rejected, not learned), trained online; `pause()` stops the feed.
 */
function sensorLearner(shape: (s: Sample, i: number) => Sample = (s) => s) {
  const net = network({ inputs: 8, layers: [dense(16, tanh), dense(1, linear)], seed: 7 });
  const optimizer = rmsprop({ learningRate: 0.002, decay: 0.999 });
  let paused = false;
  const steps: Observable<Step> = sineFeed({ rate: 500, seed: 3 }).pipe(
    filter(() => !paused),
    map((s, i) => {
      const y = (s.y as number) + (i >= 1000 ? 2 : 0);
      const x = i % 97 === 50 ? [...Array.from(s.x).slice(1), Number.NaN] : s.x;
      return shape({ ...s, x, y }, i);
    }),
    train(net, { loss: mse(), optimizer, onInvalid: 'skip' }),
    detectDrift(pageHinkley(), { onDrift: resetOptimizer(optimizer) }),
  );
  return {
    net,
    optimizer,
    steps,
    pause: () => {
      paused = true;
    },
  };
}

/** A second client (ws, as a program would connect) recording what the server sent. */
async function watch(server: DashboardServer, topics: string[]) {
  const socket = new WebSocket(server.wsUrl);
  let last: MetricsMessage | undefined;
  let lastAt = 0;
  let drifts = 0;
  const invalid: string[] = [];
  socket.on('message', (data) => {
    const text = String(data);
    const parsed = serverMessageSchema.safeParse(JSON.parse(text));
    if (!parsed.success) invalid.push(text);
    else if (parsed.data.type === 'metrics') {
      last = parsed.data;
      lastAt = Date.now();
    } else if (parsed.data.type === 'event' && parsed.data.event.type === 'drift') drifts++;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'subscribe', topics }));
  return {
    lastMetrics: () => last,
    /** The latest metrics frame, if none came for `ms` ms. */
    lastMetricsAfter: (ms: number) => (Date.now() - lastAt >= ms ? last : undefined),
    drifts: () => drifts,
    invalid,
    close: () => socket.close(),
  };
}

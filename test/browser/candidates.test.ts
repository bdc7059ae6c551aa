// The candidates of an ensemble on the dashboard, in a real browser (Debian's Chromium,
// headless, through playwright-core): the automatic forecaster of a series learns behind the
// real serve(), whose metrics frames carry each candidate's weight and recent RMSE; the page
// must list exactly the candidates of the server's latest frame. Needs `npm run build` (npm
// test does it) and Chromium (.ci/run installs it); skipped without Chromium only outside CI.
// The screenshot goes to test-results/candidates.png.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { filter, interval, map, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { autoForecast } from '../../src/operators/autoForecast.js';
import type { MetricsMessage } from '../../src/serve/protocol.js';
import { serverMessageSchema } from '../../src/serve/protocol.js';
import { serve } from '../../src/serve/serve.js';
import type { Step } from '../../src/steps/step.js';
import { lagged } from '../../streams/lagged.js';
import { sleep } from '../polling.js';
import { runsWith } from '../requiredTool.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

describe.runIf(runsWith('Chromium', haveChromium, 'chromium'))(
  'candidates on the dashboard',
  () => {
    it('lists each candidate with the weight and RMSE of the latest metrics frame', {
      timeout: 120_000,
    }, async () => {
      if (!existsSync('dist/dashboard/index.html')) {
        throw new Error('dist/dashboard/ is missing: run npm run build first');
      }
      let paused = false;
      // An hourly series, 4 readings a millisecond-tick: past the warm-up within a second.
      const steps: Observable<Step> = interval(1).pipe(
        filter(() => !paused),
        map((i) => ({ value: 10 + 3 * Math.sin((2 * Math.PI * i) / 24) + ((i * 7919) % 13) / 13 })),
        lagged(8),
        autoForecast(),
      );
      const server = await serve(steps, { metrics: { window: 100, everyMs: 50 } });
      const socket = new WebSocket(server.wsUrl);
      let last: MetricsMessage | undefined;
      const invalid: string[] = [];
      socket.on('message', (data) => {
        const parsed = serverMessageSchema.safeParse(JSON.parse(String(data)));
        if (!parsed.success) invalid.push(String(data));
        else if (parsed.data.type === 'metrics') last = parsed.data;
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      socket.send(JSON.stringify({ type: 'subscribe', topics: ['metrics'] }));
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(error.message));
        await page.goto(server.url);
        // Past the warm-up the candidates are the learned ones: least squares among them.
        await page.waitForSelector('#candidates:not([hidden]) tr[data-candidate="least squares"]', {
          timeout: 30_000,
        });
        paused = true;
        // Once the feed stops, the latest frame stays put and the page shows it.
        let frame: MetricsMessage | undefined;
        const deadline = Date.now() + 20_000;
        for (;;) {
          const before = last;
          await sleep(300);
          frame = last;
          const shown = await page.getAttribute('#figures', 'data-seq');
          if (frame !== undefined && frame === before && shown === String(frame.seq)) break;
          if (Date.now() > deadline) {
            throw new Error(`the page shows seq ${shown}, the server last sent ${frame?.seq}`);
          }
        }
        const candidates = frame?.candidates ?? [];
        expect(candidates.map((c) => c.name)).toContain('network η=0.01');
        const rows = await page.$$eval('#candidate-rows tr', (trs) =>
          trs.map((tr) => {
            const d = (tr as unknown as { dataset: Record<string, string> }).dataset;
            return { name: d.candidate, weight: Number(d.weight), rmse: d.rmse };
          }),
        );
        const expected = [...candidates]
          .sort((a, b) => b.weight - a.weight)
          .map((c) => ({
            name: c.name,
            weight: c.weight,
            rmse: c.rmse === null ? undefined : String(c.rmse),
          }));
        expect(rows).toEqual(expected);
        expect(rows.reduce((sum, r) => sum + r.weight, 0)).toBeCloseTo(1, 9);
        mkdirSync('test-results', { recursive: true });
        await page.screenshot({ path: 'test-results/candidates.png' }); // look at it
        expect(invalid).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        socket.close();
        await browser.close();
        await server.close();
      }
    });
  },
);

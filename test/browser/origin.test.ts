// Cross-site WebSocket hijacking, tried for real: in Debian's Chromium (headless, driven by
// playwright-core), a page served from another port of the same machine — another origin, as
// any site the user visits is — opens the dashboard's socket; the server must refuse it, while
// the dashboard page itself connects. Needs `npm run build` and `apt-get install chromium`
// (skipped without Chromium only outside CI).
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardServer, serve } from '../../src/serve/serve.js';
import { runsWith } from '../requiredTool.js';
import { pacedSteps } from '../serve/helpers.js';

const CHROMIUM = '/usr/bin/chromium';

/** Opens the socket from the page it runs in; resolves with `open` or the close code. */
const probe = (url: string): Promise<string> =>
  new Promise((resolve) => {
    const socket = new WebSocket(url, ['streamprop.v1']);
    socket.onopen = () => {
      socket.close();
      resolve('open');
    };
    socket.onclose = (event) => resolve(`closed ${event.code}`);
  });

describe.runIf(runsWith('Chromium', existsSync(CHROMIUM), 'chromium'))(
  'the Origin policy in headless Chromium',
  () => {
    let browser: Browser;
    let server: DashboardServer;
    let other: Server;

    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
      });
      server = await serve(pacedSteps({ keys: ['a'] }), { metrics: { everyMs: 100 } });
      // Another site: a page on another port of 127.0.0.1 is another origin.
      other = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<!doctype html><title>another site</title><p>hello</p>');
      });
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await new Promise((resolve) => other?.close(resolve));
    });

    it('a page of another origin cannot open the socket; the dashboard can', async () => {
      const foreign = await browser.newPage();
      const port = (other.address() as AddressInfo).port;
      await foreign.goto(`http://127.0.0.1:${port}/`);
      // The handshake is answered 403: the browser reports a failed connection (1006).
      expect(await foreign.evaluate(probe, server.wsUrl)).toBe('closed 1006');
      expect(server.clientCount).toBe(0);

      const dashboard = await browser.newPage();
      await dashboard.goto(server.url);
      await dashboard.waitForSelector('#connection[data-connection="open"]', { timeout: 20_000 });
      expect(await dashboard.evaluate(probe, server.wsUrl)).toBe('open');
      // and the foreign page still cannot, while the dashboard is connected
      expect(await foreign.evaluate(probe, server.wsUrl)).toBe('closed 1006');
      await foreign.close();
      await dashboard.close();
    });
  },
);

// serve's metricsFrom: metrics made elsewhere (a fleet's, merged) are served in place of the
// rolling metrics of the steps.
import { EMPTY, NEVER, of } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../../src/metrics/metricsSnapshot.js';
import { type DashboardServer, serve } from '../../src/serve/index.js';
import { connect, expectValid, pacedSteps } from './helpers.js';

let server: DashboardServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const figures = {
  count: 40,
  mse: 0.25,
  rmse: 0.5,
  mae: 0.4,
  r2: 0.9,
  accuracy: undefined,
  logLoss: undefined,
};
const snapshot: MetricsSnapshot = {
  ...figures,
  seq: 42,
  t: 1_000,
  key: 'elsewhere',
  samples: 42,
  learningRate: undefined,
  samplesPerSecond: 12,
  rejected: 2,
  rejectedByReason: {
    notObject: 0,
    length: 0,
    notNumber: 2,
    nonFinite: 0,
    outOfRange: 0,
    missingTarget: 0,
    malformed: 0,
    tooLarge: 0,
  },
  drifts: 0,
  ewma: figures,
  total: figures,
};

describe('serve metricsFrom', () => {
  it('sends the snapshots given, and none of the steps’ rolling metrics', async () => {
    server = await serve(pacedSteps({ keys: ['a'], perTick: 5 }), {
      metricsFrom: of(snapshot),
      metrics: { everyMs: 5 },
    });
    const client = await connect(server);
    client.send({ type: 'subscribe', topics: ['prediction', 'metrics'], maxRateHz: 200 });
    const metrics = () => [
      ...client.of('history').flatMap((h) => h.metrics),
      ...client.of('metrics'),
    ];
    await client.until(() => client.of('prediction').length >= 10, 'predictions of key a');
    expectValid(client);
    expect(metrics()).toEqual([
      {
        type: 'metrics',
        v: 1,
        seq: 42,
        t: 1_000,
        key: 'elsewhere',
        mse: 0.25,
        rmse: 0.5,
        mae: 0.4,
        samplesPerSecond: 12,
        rejected: 2,
        drifts: 0,
        r2: 0.9,
        samples: 42,
        count: 40,
        rejectedByReason: snapshot.rejectedByReason,
      },
    ]);
    client.socket.close();
  });

  it('refuses what is not an Observable', async () => {
    await expect(serve(EMPTY, { metricsFrom: 5 as never })).rejects.toThrow(
      'serve: metricsFrom must be an Observable, got 5',
    );
    await expect(serve(NEVER, { metricsFrom: {} as never })).rejects.toThrow(
      'serve: metricsFrom.subscribe must be a function, got undefined',
    );
  });
});

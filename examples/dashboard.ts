// A live dashboard: a network learns a noisy sine wave at 500 samples/s while serve() streams its
// predictions and error metrics to the page it serves. Open the printed URL in a browser.
// Usage: node dist/examples/dashboard.js [seconds] (default: until Ctrl-C)
import { dense, linear, mse, network, rmsprop, tanh, train } from 'streamprop';
import { serve } from 'streamprop/serve';
import { sineFeed } from 'streamprop/streams';

const seconds = Number(process.argv[2] ?? Number.POSITIVE_INFINITY);
const net = network({ inputs: 8, layers: [dense(16, tanh), dense(1, linear)], seed: 7 });
const optimizer = rmsprop({ learningRate: 0.001, decay: 0.999 });

const server = await serve(
  sineFeed({ rate: 500, seed: 7 }).pipe(train(net, { loss: mse(), optimizer, onInvalid: 'skip' })),
  { port: Number(process.env.PORT ?? 0), network: net, optimizer },
);
console.log(`dashboard: ${server.url}`);

const stop = async (): Promise<void> => {
  await server.close();
  console.log(`stopped after ${server.stats().steps} samples`);
};
process.once('SIGINT', stop);
if (Number.isFinite(seconds)) setTimeout(stop, seconds * 1000);

// The entry of the worker thread that `serve()` starts (see SocketThread): it runs the socket
// side of the server (SocketServer) until the learner's thread asks it to close, then lets the
// thread end. A failure to start (such as EADDRINUSE) is posted back as `failed`; any other
// uncaught error ends the thread and reaches the learner's thread as the worker's `error`.
import { parentPort, workerData } from 'node:worker_threads';
import { SocketServer } from './socketServer.js';
import type { SocketServerConfig, ToMain, ToWorker } from './workerMessages.js';

if (parentPort === null) {
  throw new Error('socketWorker: this module runs in the worker thread that serve() starts');
}
const port = parentPort;
const post = (message: ToMain): void => port.postMessage(message);

try {
  const server = await SocketServer.start(workerData as SocketServerConfig, post);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'close') {
      void server.close().then(() => port.close());
    } else {
      server.receive(message);
    }
  });
  const { address, family, port: listening } = server.address;
  post({ type: 'listening', address, family, port: listening });
} catch (error) {
  const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
  post({
    type: 'failed',
    error: {
      name: typeof name === 'string' ? name : 'Error',
      message: typeof message === 'string' ? message : String(error),
      ...(typeof code === 'string' ? { code } : {}),
    },
  });
  port.close();
}

// A real MQTT broker for the tests: mosquitto, started on 127.0.0.1 with a config file of the
// test's own, and stopped by the test. CI installs it with apt-get (.ci/run).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../polling.js';
import { freePort, listening } from '../ports.js';
import { runsWith } from '../requiredTool.js';

export { freePort };

export const MOSQUITTO = [
  '/usr/sbin/mosquitto',
  '/usr/local/sbin/mosquitto',
  '/usr/bin/mosquitto',
].find((path) => existsSync(path));
/** Whether the broker tests run: without CI a machine may lack the broker; in CI its absence must fail the run. */
export const withBroker = runsWith('mosquitto', MOSQUITTO !== undefined, 'mosquitto');

const dir = mkdtempSync(join(tmpdir(), 'streamprop-mqtt-'));
const brokers = new Set<ChildProcess>();

/** Starts mosquitto on 127.0.0.1:port with `extra` config lines, once it accepts connections. */
export const startBroker = async (port: number, extra: string[] = []): Promise<ChildProcess> => {
  const config = join(dir, `mosquitto-${port}.conf`);
  writeFileSync(
    config,
    [`listener ${port} 127.0.0.1`, 'persistence false', 'sys_interval 1', ...extra, ''].join('\n'),
  );
  const broker = spawn(MOSQUITTO ?? 'mosquitto', ['-c', config], { stdio: 'ignore' });
  brokers.add(broker);
  broker.once('exit', () => brokers.delete(broker));
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (broker.exitCode !== null || Date.now() > deadline) {
      throw new Error(`mosquitto did not start on port ${port} (exit code ${broker.exitCode})`);
    }
    await sleep(50);
  }
  return broker;
};

export const stopBroker = async (broker: ChildProcess): Promise<void> => {
  if (broker.exitCode !== null || broker.signalCode !== null) return;
  const exited = new Promise((resolve) => broker.once('exit', resolve));
  broker.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (broker.exitCode === null && broker.signalCode === null) broker.kill('SIGKILL');
};

/** Stops every broker still running and removes the config files (for afterAll). */
export const stopAllBrokers = async (): Promise<void> => {
  await Promise.all([...brokers].map(stopBroker));
  rmSync(dir, { recursive: true, force: true });
};

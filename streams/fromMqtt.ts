import {
  connect,
  ErrorWithReasonCode,
  type IClientOptions,
  type ISubscriptionGrant,
  validateTopics,
} from 'mqtt';
import { Observable } from 'rxjs';
import {
  argumentError,
  checkBoolean,
  checkFunction,
  checkNonNegativeNumber,
  checkObject,
  checkOneOf,
  checkOptions,
  checkPositiveNumber,
  checkString,
} from '../src/checks/argumentChecks.js';
import { describeValue } from '../src/checks/describeValue.js';
import type { Sample } from '../src/samples/sample.js';
import { mapSample } from './mapSample.js';
import { sampleFromJson } from './sampleFromJson.js';

/** Options of {@link fromMqtt}. */
export interface FromMqttOptions {
  /**
   * Builds the sample of a message from its payload and topic. Without it, the payload must be
   * a JSON sample `{ x, y?, key?, id?, t? }`. When it throws or returns a non-object the
   * message gives a malformed item instead.
   */
  readonly map?: (payload: Buffer, topic: string) => Sample;
  /** The quality of service asked for each topic: 0 (the default), 1 or 2. */
  readonly qos?: 0 | 1 | 2;
  /** The client identifier (default: a random one made by mqtt.js). */
  readonly clientId?: string;
  readonly username?: string;
  readonly password?: string | Buffer;
  /**
   * Start a clean session (the default, `true`); with `false` and a fixed `clientId`, the
   * broker keeps the subscriptions — and, for `qos` 1 or 2, the messages — across reconnects.
   */
  readonly clean?: boolean;
  /**
   * Milliseconds between connection attempts after the broker went away or could not be
   * reached (default 1000). 0: never reconnect; the Observable then fails when the connection
   * is lost or cannot be made.
   */
  readonly reconnectPeriod?: number;
  /**
   * Milliseconds to wait for the first connection: when it is not made by then, the
   * Observable fails with the last connection error. Default: keep trying for ever.
   */
  readonly connectTimeout?: number;
  /** Called with each connection error that is retried (for logging; default: none). */
  readonly onError?: (error: Error) => void;
  /**
   * Any other option of `mqtt.connect` (TLS certificates, `keepalive`, `protocolVersion`,
   * `will` …); the options above take precedence over those of the same name.
   */
  readonly clientOptions?: IClientOptions;
}

/**
 * Samples from an MQTT broker: one item per message received on `topics` (wildcards `+` and
 * `#` allowed), through `mqtt.js`. Each subscription opens its own connection, subscribes, and
 * ends the connection when unsubscribed.
 *
 * **Payloads.** Each payload is a JSON sample `{ x, y?, key?, id?, t? }` (`t` in milliseconds
 * or a date text), or whatever `map(payload, topic)` turns into a sample. A payload that is
 * not JSON, not of that shape (an empty one included), or that `map` fails on, gives a
 * *malformed* item — `{ x: [], malformed: { field: 'topic sensors/1', value: <the payload,
 * cut to about 200 characters>, problem: 'is not valid JSON (…)' } }` — that
 * `train(…, { onInvalid: 'skip' })` rejects and `rollingMetrics` counts under
 * `rejectedByReason.malformed` (with the default `onInvalid: 'error'`, the stream fails with a
 * `SampleError` naming the topic); the feed goes on.
 *
 * **Connection.** A broker that cannot be reached, or that goes away, is retried every
 * `reconnectPeriod` ms for as long as the subscription lasts, and the subscriptions are made
 * again on each new connection (unless the broker kept the session); each such error goes to
 * `onError`. Messages published while the client is away are lost (unless `clean: false` and
 * `qos` ≥ 1). The Observable fails only for what retrying cannot mend: the broker refusing the
 * connection (bad credentials, a refused client id) or a subscription; no first connection
 * within `connectTimeout`, when given; any lost connection with `reconnectPeriod: 0`. It never
 * completes by itself.
 *
 * @param url Such as `mqtt://broker.local:1883`, `mqtts://…`, `ws://…/mqtt` or `wss://…`.
 * @param topics A topic filter or several, such as `sensors/+/reading`.
 * @throws TypeError or RangeError naming `fromMqtt` at once for a wrong argument.
 *
 * @example
 * ```ts
 * import { dense, linear, mse, network, rollingMetrics, tanh, train } from 'streamprop';
 * import { fromMqtt } from 'streamprop/streams';
 * const net = network({ inputs: 3, layers: [dense(8, tanh), dense(1, linear)], seed: 1 });
 * // payloads such as {"x":[21.5,0.4,1013],"y":21.9,"key":"s1"}
 * fromMqtt('mqtt://127.0.0.1:1883', 'sensors/+/sample', { onError: (e) => console.warn(e.message) })
 *   .pipe(train(net, { loss: mse(), onInvalid: 'skip' }), rollingMetrics({ window: 500, every: 100 }))
 *   .subscribe((m) => console.log(m.samples, m.rmse, m.rejectedByReason.malformed));
 *
 * // payloads that are bare readings "21.5,0.4,1013,21.9":
 * fromMqtt('mqtt://127.0.0.1:1883', ['plant/a', 'plant/b'], {
 *   map: (payload, topic) => {
 *     const v = payload.toString().split(',').map(Number);
 *     return { x: v.slice(0, 3), y: v[3], key: topic };
 *   },
 * });
 * ```
 */
export function fromMqtt(
  url: string,
  topics: string | readonly string[],
  options: FromMqttOptions = {},
): Observable<Sample> {
  checkUrl(url);
  const filters = typeof topics === 'string' ? [topics] : topics;
  if (!Array.isArray(filters) || filters.length === 0) {
    throw new TypeError(
      `fromMqtt: topics must be a topic filter or a non-empty array of them, got ${describeValue(topics)}`,
    );
  }
  for (const topic of filters) {
    if (typeof topic !== 'string' || topic.length === 0) {
      throw new TypeError(
        `fromMqtt: a topic must be a non-empty string, got ${describeValue(topic)}`,
      );
    }
  }
  const invalid = validateTopics([...filters]);
  if (invalid !== null) {
    throw new TypeError(
      `fromMqtt: "${invalid}" is not a valid topic filter ('+' and '#' must fill a whole level, '#' only the last)`,
    );
  }
  checkOptions('fromMqtt', options);
  const {
    map,
    qos = 0,
    clientId,
    username,
    password,
    clean = true,
    reconnectPeriod = 1000,
    connectTimeout,
    onError,
    clientOptions,
  } = options;
  if (map !== undefined) checkFunction('fromMqtt', 'map', map);
  if (onError !== undefined) checkFunction('fromMqtt', 'onError', onError);
  checkOneOf('fromMqtt', 'qos', qos, [0, 1, 2] as const);
  if (clientId !== undefined) checkString('fromMqtt', 'clientId', clientId);
  if (username !== undefined) checkString('fromMqtt', 'username', username);
  if (password !== undefined && typeof password !== 'string' && !Buffer.isBuffer(password)) {
    throw argumentError('fromMqtt', 'password', 'a string or a Buffer', password, 'object');
  }
  checkBoolean('fromMqtt', 'clean', clean);
  checkNonNegativeNumber('fromMqtt', 'reconnectPeriod', reconnectPeriod);
  if (connectTimeout !== undefined)
    checkPositiveNumber('fromMqtt', 'connectTimeout', connectTimeout);
  if (clientOptions !== undefined) checkObject('fromMqtt', 'clientOptions', clientOptions);
  const settings: IClientOptions = {
    ...clientOptions,
    clean,
    reconnectPeriod,
    resubscribe: false, // subscribed on each connection below, where the answer is checked
  };
  if (clientId !== undefined) settings.clientId = clientId;
  if (username !== undefined) settings.username = username;
  if (password !== undefined) settings.password = password;
  if (connectTimeout !== undefined) {
    settings.connectTimeout = Math.min(connectTimeout, clientOptions?.connectTimeout ?? 30_000);
  }
  const subscriptions = Object.fromEntries(filters.map((topic) => [topic, { qos }]));
  const toSample = (topic: string, payload: Buffer): Sample => {
    const where = `topic ${topic}`;
    return map === undefined
      ? sampleFromJson(payload.toString('utf8'), where)
      : mapSample(
          where,
          () => map(payload, topic),
          () => payload.toString('utf8'),
        );
  };

  return new Observable<Sample>((subscriber) => {
    const client = connect(url, settings);
    let connected = false;
    let lastError: Error | undefined;
    const fail = (message: string, cause?: Error): void => {
      subscriber.error(
        new Error(`fromMqtt: ${message}`, cause === undefined ? undefined : { cause }),
      );
    };
    const firstTimer =
      connectTimeout === undefined
        ? undefined
        : setTimeout(() => {
            if (!connected) {
              fail(
                `no connection to ${url} within ${connectTimeout} ms${lastError === undefined ? '' : ` (${lastError.message})`}`,
                lastError,
              );
            }
          }, connectTimeout);

    client.on('connect', (connack) => {
      connected = true;
      clearTimeout(firstTimer);
      if (connack.sessionPresent) return; // the broker kept the subscriptions
      client.subscribe(subscriptions, (error, granted) => {
        if (subscriber.closed) return;
        if (error) {
          // A connection lost before the answer: the next connection subscribes again.
          if (client.connected)
            fail(`subscribing to ${filters.join(', ')} failed: ${error.message}`, error);
          return;
        }
        const refused = (granted ?? []).find((g: ISubscriptionGrant) => g.qos === 128 || g.qos > 2);
        if (refused !== undefined) {
          fail(
            `the broker at ${url} refused the subscription to ${refused.topic} (reason code ${refused.qos})`,
          );
        }
      });
    });
    client.on('message', (topic, payload) => {
      subscriber.next(toSample(topic, payload));
    });
    client.on('error', (error) => {
      lastError = error;
      if (error instanceof ErrorWithReasonCode && error.message.startsWith('Connection refused')) {
        fail(`${url}: ${error.message} (code ${error.code})`, error);
        return;
      }
      if (subscriber.closed || onError === undefined) return;
      try {
        onError(error);
      } catch (thrown) {
        subscriber.error(thrown);
      }
    });
    client.on('close', () => {
      if (reconnectPeriod === 0 && !subscriber.closed) {
        fail(
          `${connected ? 'lost the connection to' : 'could not connect to'} ${url}${lastError === undefined ? '' : ` (${lastError.message})`} and reconnectPeriod is 0`,
          lastError,
        );
      }
    });

    return () => {
      clearTimeout(firstTimer);
      client.end(true);
    };
  });
}

const PROTOCOLS = ['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'tls:', 'ws:', 'wss:'];

function checkUrl(url: unknown): void {
  if (typeof url !== 'string') {
    throw new TypeError(
      `fromMqtt: url must be a string such as mqtt://host:1883, got ${describeValue(url)}`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `fromMqtt: url must be a URL such as mqtt://host:1883, got ${describeValue(url)}`,
    );
  }
  if (!PROTOCOLS.includes(parsed.protocol) || parsed.hostname.length === 0) {
    throw new TypeError(
      `fromMqtt: url must be mqtt://, mqtts://, tcp://, ssl://, tls://, ws:// or wss:// with a host, got ${describeValue(url)}`,
    );
  }
}

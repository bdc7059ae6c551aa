/**
 * streamprop/streams: where samples come from. Each source returns `Observable<Sample>`.
 *
 * @module streamprop/streams
 */

export { type CsvColumn, type CsvPosition, type FromCsvOptions, fromCsv } from './fromCsv.js';
export { type FromMqttOptions, fromMqtt } from './fromMqtt.js';
export { type FromNdjsonOptions, fromNdjson } from './fromNdjson.js';
export {
  type FromRedisStreamOptions,
  fromRedisStream,
  type LoggedSample,
} from './fromRedisStream.js';
export {
  type FromWebSocketOptions,
  fromWebSocket,
  type IngestSource,
  type WebSocketAddress,
  type WebSocketConstructor,
  type WebSocketLike,
  type WebSocketRejection,
} from './fromWebSocket.js';
export { type LaggedInput, type LaggedOptions, lagged } from './lagged.js';
export type { ReplayOptions } from './replay.js';
export { type SalesFeedOptions, type SalesSample, salesFeed } from './salesFeed.js';
export { type SensorFeedOptions, type SensorSample, sensorFeed } from './sensorFeed.js';
export { type SineFeedOptions, sineFeed } from './sineFeed.js';
export { type Valve, valve } from './valve.js';

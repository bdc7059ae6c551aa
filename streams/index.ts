// streamprop/streams: where samples come from. Each source returns Observable<Sample>.

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
export { type SalesFeedOptions, type SalesSample, salesFeed } from './salesFeed.js';
export { type SensorFeedOptions, type SensorSample, sensorFeed } from './sensorFeed.js';
export { type SineFeedOptions, sineFeed } from './sineFeed.js';

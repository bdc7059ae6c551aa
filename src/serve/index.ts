/**
 * streamprop/serve: the WebSocket server, the dashboard and the wire protocol.
 *
 * @module streamprop/serve
 */

export type { DashboardServer } from './dashboardServer.js';
export {
  type ClientMessage,
  ERROR_CODES,
  type ErrorCode,
  type ErrorMessage,
  EVENT_TYPES,
  type EventMessage,
  errorFrame,
  type HelloMessage,
  type HistoryMessage,
  type MetricsMessage,
  type ParsedClientMessage,
  PROTOCOL_NAME,
  PROTOCOL_VERSION,
  type PredictionMessage,
  parseClientMessage,
  type SampleMessage,
  type ServerMessage,
  type SubscribeMessage,
  TOPICS,
  type Topic,
  type UnsubscribeMessage,
} from './protocol.js';
export { type ServeOptions, serve } from './serve.js';
export type { ServeStats } from './serveStats.js';

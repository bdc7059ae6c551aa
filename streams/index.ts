// streamprop/streams: where samples come from. Each source returns Observable<Sample>.
export { type SineFeedOptions, sineFeed } from './sineFeed.js';

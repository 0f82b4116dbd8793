import type { ProduceShape } from '../workload.js';

/**
 * Messages between the bench and its load driver (a child process, so that the clients'
 * work — serialising request bodies, parsing 4 MiB fetch answers — does not run on the
 * event loop of the server being measured, as it would not in production).
 */
export interface ApiTarget {
  baseUrl: string;
  apiKey: string;
}

export interface ProduceCommand {
  kind: 'produce';
  target: ApiTarget;
  topic: string;
  shape: ProduceShape;
  clients: number;
  durationMs: number;
}

/** Pages through one partition with the fetch API, from `fromOffset` up to `toOffset`. */
export interface ReadBackCommand {
  kind: 'read-back';
  target: ApiTarget;
  topic: string;
  partition: number;
  fromOffset: number;
  toOffset: number;
  limit: number;
  maxBytes: number;
}

/** On a fresh one-partition topic, one producer stamping send times into values, one long-polling consumer reading them back. */
export interface EndToEndCommand {
  kind: 'end-to-end';
  target: ApiTarget;
  topic: string;
  durationMs: number;
  /** Pause between one produce answer and the next request. */
  pauseMs: number;
  valueBytes: number;
  waitMs: number;
}

/** One long poll on a fresh partition nobody writes to: what a waiting consumer costs. */
export interface IdlePollCommand {
  kind: 'idle-poll';
  target: ApiTarget;
  topic: string;
  partition: number;
  waitMs: number;
}

/**
 * On a fresh one-partition topic with a webhook subscription to http://127.0.0.1:{port}/hook:
 * the driver listens there, produces records stamped with their send time (as end-to-end
 * does) and measures send → arrival at the receiver.
 */
export interface WebhookCommand {
  kind: 'webhook';
  target: ApiTarget;
  topic: string;
  /** The receiver's port (the subscription already points at it). */
  port: number;
  /** The subscription's signing secret, to check every delivery's signature. */
  secret: string;
  durationMs: number;
  pauseMs: number;
  valueBytes: number;
  /** Give up when the last record has not arrived this long after producing stopped. */
  drainTimeoutMs: number;
}

/** One timed pass of the direct-read section (bench/load/direct-read.ts). */
export interface DirectReadCommand {
  kind: 'direct-read';
  target: ApiTarget;
  topic: string;
  partition: number;
  /** What the client must have read: this many records of `valueBytes` each. */
  records: number;
  valueBytes: number;
  /** The partition's ranges as the direct fetches hand them out: the floor GETs these. */
  ranges: { url: string; headers: { range: string }; byteLength: number }[];
  pass: 'client' | 'floor';
  /** The floor's GETs in flight. */
  concurrency: number;
}

export type DriverCommand = ProduceCommand | ReadBackCommand | EndToEndCommand | IdlePollCommand | WebhookCommand | DirectReadCommand;

/** What API Gateway and the network see of a phase. */
export interface HttpTally {
  requests: number;
  requestBytes: number;
  responseBytes: number;
  /** HTTP API requests are metered in 512 KB increments; this is the metered count. */
  apiGatewayUnits: number;
}

export interface ProduceOutcome extends HttpTally {
  operations: number;
  failures: number;
  records: number;
  elapsedMs: number;
  /** Request latency, as an encoded HdrHistogram. */
  latency: string;
  firstError?: string;
}

export interface ReadBackOutcome extends HttpTally {
  records: number;
  valueBytes: number;
  pages: number;
  elapsedMs: number;
  /** Per-page latency. */
  latency: string;
}

export interface EndToEndOutcome extends HttpTally {
  produced: number;
  consumed: number;
  polls: number;
  elapsedMs: number;
  /** Send (stamped in the value) → seen by the consumer. */
  latency: string;
  produceLatency: string;
}

export interface WebhookOutcome extends HttpTally {
  produced: number;
  /** Records that arrived at the receiver (each counted once). */
  delivered: number;
  /** Requests the receiver got. */
  deliveries: number;
  /** Records that arrived again (at-least-once redelivery). */
  duplicates: number;
  /** Deliveries carrying a webhook-signature that verified with the secret. */
  signed: number;
  elapsedMs: number;
  /** Send (stamped in the value) → the whole request has arrived at the receiver. */
  latency: string;
  produceLatency: string;
}

export interface IdlePollOutcome extends HttpTally {
  elapsedMs: number;
  records: number;
}

export interface DirectReadOutcome {
  mibPerSecond: number;
}

export interface OutcomeOf {
  produce: ProduceOutcome;
  'read-back': ReadBackOutcome;
  'end-to-end': EndToEndOutcome;
  'idle-poll': IdlePollOutcome;
  webhook: WebhookOutcome;
  'direct-read': DirectReadOutcome;
}

export interface DriverRequest {
  id: number;
  command: DriverCommand;
}

export type DriverResponse = { id: number; ok: true; outcome: OutcomeOf[DriverCommand['kind']] } | { id: number; ok: false; error: string };

const API_GATEWAY_INCREMENT = 512 * 1024;

/** Metered HTTP API requests for one exchange; request and response bytes counted together (the conservative reading). */
export function apiGatewayUnits(requestBytes: number, responseBytes: number): number {
  return Math.max(1, Math.ceil((requestBytes + responseBytes) / API_GATEWAY_INCREMENT));
}

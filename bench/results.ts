import type { CompressionType } from '../shared/log/record-batch-codec.js';
/**
 * The shape of bench/results.json. Goals are checked mechanically from it: every produce
 * scenario has a numeric `floorRatio`, every codec scenario a numeric `codecRatio`.
 */
import type { AnchorCost, IdleLine } from './anchors.js';
import type { PhaseCost } from './cost.js';
import type { CapacityProbe } from './instrument/capacity-probe.js';
import type { LatencySummary } from './latency.js';
import type { PriceTable } from './prices.js';
import type { KeyCompactionBench } from './scenarios/key-compaction.js';
import type { Spread } from './stats.js';

export interface RunInfo {
  date: string;
  durationSeconds: number;
  command: string;
  quick: boolean;
  phases: { warmupMs: number; measureMs: number; repeats: number; fetchPasses: number; fetchBudgetMs: number; endToEndMs: number; codecRoundMs: number };
  git: { commit: string; dirty: boolean } | null;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    os: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
  };
  versions: Record<string, string>;
  process: string;
  /** DynamoDB Local's reported capacity for produce-shaped transactions, next to the model used for cost. */
  transactionCapacityProbe: CapacityProbe[];
  /** A run of some sections (`--only`) keeps these sections' figures from an earlier run. */
  carriedOver?: { sections: string[]; date: string; git: { commit: string; dirty: boolean } | null };
}

export interface ThroughputFigures {
  recordsPerSecond: number;
  mibPerSecond: number;
  /** records/s of each repeated run. */
  runs: number[];
  latencyMs: LatencySummary;
  requests: number;
  failures: number;
}

export interface ProduceScenarioResult extends ThroughputFigures {
  id: string;
  records: number;
  clients: number;
  partitions: number;
  valueBytes: number;
  requestBodyBytes: number;
  /** Partitions one request touched, on average. */
  partitionsPerRequest: number;
  floor: ThroughputFigures & { callsPerRequest: Record<string, number>; cost: PhaseCost; cpuMsPerRequest?: Record<string, number> };
  /** Median of the paired runs' produce/floor throughput ratios. */
  floorRatio: number;
  floorRatioNoise: Spread;
  /**
   * The same scenario with a JSON body (what curl sends) instead of the client's
   * RecordBatches, against the same floor runs.
   */
  json?: ThroughputFigures & { requestBodyBytes: number; floorRatio: number; floorRatioNoise: Spread; cpuMsPerRequest?: Record<string, number> };
  callsPerRequest: Record<string, number>;
  putsPerRequest: number;
  transactionsPerRequest: number;
  writeUnitsPerRequest: number;
  readUnitsPerRequest: number;
  serverMsPerRequest: number;
  /**
   * CPU ms per request of each process of the stack (this one, which serves the API and runs
   * the floor; the load driver; DynamoDB Local; s3rver), median of the repeats. On two cores
   * shared by all of them, a saturated produce can go no faster than the floor by the ratio
   * of their sums.
   */
  cpuMsPerRequest?: Record<string, number>;
  cost: PhaseCost;
}

export interface FetchScenarioResult {
  id: string;
  compaction: 'before compaction' | 'after compaction';
  /** Index entries covering the 100,000 records when they were read. */
  indexEntries: number;
  /** The 100,000 records were written by produce requests of this many records (one index entry each). */
  writtenInRequestsOf: number;
  records: number;
  limit: number;
  maxBytes: number;
  recordsPerSecond: number;
  mibPerSecond: number;
  runs: number[];
  pagesPerPass: number;
  pageLatencyMs: LatencySummary;
  callsPerPass: Record<string, number>;
  serverMsPerPage: number;
  cost: PhaseCost;
}

/** The maintenance pass that compacted the fetch topics, and an idle pass right after it. */
export interface MaintenanceRuns {
  compaction:
    | { ok: true; durationMs: number; partitions: { topic: string; entriesBefore: number; entriesAfter: number; segments: number }[]; compactedGiB: number; cost: PhaseCost }
    | { ok: false; error: string };
  /** A pass with nothing to do (two one-partition topics): what the schedule costs when idle. */
  idlePass: { ok: true; over: string; durationMs: number; calls: Record<string, number>; cost: PhaseCost } | { ok: false; error: string };
}

export interface EndToEndResult {
  id: string;
  mechanism: string;
  produced: number;
  consumed: number;
  polls: number;
  latencyMs: LatencySummary;
  produceLatencyMs: LatencySummary;
  cost: PhaseCost;
}

/** Produce → webhook receiver: the dispatcher (local mode's loop) pushing to a loopback receiver. */
export interface WebhookEndToEndResult {
  id: string;
  mechanism: string;
  produced: number;
  /** Records that arrived at the receiver (each counted once). */
  delivered: number;
  /** Requests the receiver got. */
  deliveries: number;
  recordsPerDelivery: number;
  /** Records that arrived more than once (at-least-once redelivery). */
  duplicates: number;
  /** Deliveries whose webhook-signature verified with the subscription's secret. */
  signedDeliveries: number;
  latencyMs: LatencySummary;
  produceLatencyMs: LatencySummary;
}

export interface IdleConsumerResult {
  waitMs: number;
  elapsedMs: number;
  callsPerPoll: Record<string, number>;
  serverMsPerPoll: number;
  usdPerMonth: number;
  breakdownPerMonth: PhaseCost['usd'];
}

export interface CodecScenarioResult {
  id: string;
  compression: CompressionType;
  /** What kafkajs ran against ours: the same codec, or gzip (kafkajs's only built-in) for zstd and lz4. */
  kafkajsCompression: 'none' | 'gzip';
  recordsPerBatch: number;
  valueBytes: number;
  batchBytes: number;
  kafkajsBatchBytes: number;
  ours: { mibPerSecond: number; runs: number[] };
  kafkajs: { mibPerSecond: number; runs: number[] };
  /** Median of the paired rounds' ours/kafkajs throughput ratios. */
  codecRatio: number;
  codecRatioNoise: Spread;
}

/** Direct reads through the client vs raw ranged GETs of the same bytes (bench/scenarios/direct-read.ts). */
export interface DirectReadResult {
  id: string;
  records: number;
  bytes: number;
  ranges: number;
  client: { mibPerSecond: number; runs: number[] };
  /** At `bestConcurrency`, the one of the tried concurrencies whose trial runs were fastest. */
  floor: { mibPerSecond: number; runs: number[]; concurrency: number[]; bestConcurrency?: number };
  /** Median of the paired runs' client/floor throughput ratios. */
  directRatio: number;
  directRatioNoise: Spread;
}

/** One function's bundle and the time a fresh process takes to import it (Lambda's init, as far as the bundle decides it). */
export interface ColdStartResult {
  function: string;
  /** Every JavaScript file of the bundle: the entry and all its chunks. */
  bundleBytes: number;
  /** The files an import loads before `handler` is there (the entry and the chunks it imports statically): what V8 compiles at init. Absent from runs before code splitting, where it was bundleBytes. */
  initBytes?: number;
  sourceMapBytes: number;
  starts: number;
  /** From just before `import()` to `handler` being there, ms. */
  importMs: { min: number; median: number; max: number };
  /** CPU time (user + system) of the same import, ms: less sensitive than the wall clock to other load on the machine. */
  importCpuMs: { min: number; median: number; max: number };
  /** From the process's start (Node's boot included) to the same point, ms. */
  processStartToReadyMs: { min: number; median: number; max: number };
  /** The api only: fresh processes that import the bundle and serve one request (absent from runs before 2026-12-01's fourth pass). */
  firstRequest?: FirstRequestResult;
}

/** A cold request: import of the bundle plus the first request it serves, in one fresh process (bench/scenarios/cold-start.ts). */
export interface FirstRequestResult {
  request: string;
  starts: number;
  /** The import alone, in these same processes (they have storage endpoints; otherwise as importMs). */
  importMs: { min: number; median: number; max: number };
  importCpuMs: { min: number; median: number; max: number };
  /** From just before `import()` to the request's answer. */
  totalMs: { min: number; median: number; max: number };
  totalCpuMs: { min: number; median: number; max: number };
}

/** Produce throughput on a topic with a JSON Schema beside the same workload on one without (bench/scenarios/schemas.ts). */
export interface SchemaValidationResult {
  id: string;
  recordsPerRequest: number;
  clients: number;
  partitions: number;
  valueBytes: number;
  withoutSchema: { recordsPerSecond: number; p50Ms: number; runs: number[] };
  withSchema: { recordsPerSecond: number; p50Ms: number; runs: number[] };
  /** withSchema / withoutSchema records per second, medians. */
  ratio: number;
  failures: number;
}

export interface SectionResults {
  'cold-start': ColdStartResult[];
  codec: CodecScenarioResult[];
  'direct-read': DirectReadResult;
  produce: ProduceScenarioResult[];
  fetch: { scenarios: FetchScenarioResult[]; maintenance: MaintenanceRuns };
  'end-to-end': { endToEnd: EndToEndResult[]; webhook: WebhookEndToEndResult; idleConsumer: IdleConsumerResult };
  'key-compaction': KeyCompactionBench;
  schemas: SchemaValidationResult[];
}

/**
 * Freshet's write cost per GiB modelled as `perGiB + perRequest / requestGiB`, fitted through
 * two measured request sizes: the request size at which it matches each anchor's write price.
 */
export interface BreakEven {
  fittedFrom: string[];
  usdPerRequest: number;
  usdPerGiBMarginal: number;
  requestKiBToMatch: { name: string; writeUsdPerGiB: number; requestKiB: number | null }[];
}

/** One way of waiting on an empty partition, priced per month (bench/idle-consumers.ts). */
export interface IdleConsumerPolicy {
  policy: string;
  waitMs: number;
  /** Pause between an empty answer and the next poll once the backoff reached its cap. */
  idleGapMs: number;
  pollsPerMonth: number;
  readUnitsPerPoll: number;
  billedMsPerPoll: number;
  usdPerMonthHttpApi: number;
  usdPerMonthFunctionUrl: number;
  /** Send → receive of the first record after an idle spell, ms. */
  firstRecordAfterIdleMs: { typical: number; worst: number };
  whileFlowing: string;
}

export interface CostComparison {
  basis: string;
  /**
   * The same measured usage with the API behind a Function URL (`freshet:apiEndpoint=functionUrl`):
   * no API Gateway requests, every other charge unchanged.
   */
  functionUrl: { writeUsdPerGiB: number; readUsdPerGiB: number | null; spreadWriteUsdPerGiB: number | null; breakEven: BreakEven | null } | null;
  /** Long-polling against polling with backoff, priced from the measured idle long-poll. */
  idleConsumers: { basedOn: string; roundTripMs: number; recommended: string; policies: IdleConsumerPolicy[] } | null;
  breakEven: BreakEven | null;
  /** The same fit through the same scenarios as measured before issue 14, priced with today's table. */
  breakEvenBefore: (BreakEven & { measuredAt: string; source: string; note: string }) | null;
  freshet: { scenario: string; writeUsdPerGiB: number; readScenario: string | null; readUsdPerGiB: number | null } | null;
  /** The same request size with keyed records spread over 12 partitions: one head and entry per partition touched. */
  freshetSpread: { scenario: string; writeUsdPerGiB: number; partitionsPerRequest: number } | null;
  anchors: AnchorCost[];
  idleMonthly: { lines: IdleLine[]; totalUsd: number };
  anchorsIdleMonthly: { name: string; usdPerMonth: number; basis: string }[];
}

export interface Goal {
  goal: string;
  target: string;
  measured: string;
  met: boolean | null;
  detail: string;
}

export interface BenchResults {
  run: RunInfo;
  goals: Goal[];
  coldStart?: ColdStartResult[];
  codec?: SectionResults['codec'];
  directRead?: SectionResults['direct-read'];
  produce?: SectionResults['produce'];
  fetch?: FetchScenarioResult[];
  maintenance?: MaintenanceRuns;
  endToEnd?: SectionResults['end-to-end']['endToEnd'];
  webhook?: WebhookEndToEndResult;
  idleConsumer?: IdleConsumerResult;
  keyCompaction?: KeyCompactionBench;
  schemas?: SchemaValidationResult[];
  cost: CostComparison;
  notMeasuredYet: string[];
  prices: PriceTable;
}

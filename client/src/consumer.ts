import type { Encoding } from './encoding.js';
import { FreshetError, RebalanceError } from './errors.js';
import { IdleBackoff, type IdleBackoffOptions } from './idle-backoff.js';
import type { components } from './generated/openapi.js';
import { encodePath, type HttpClient } from './http.js';
import { type KafkaMessage, toMessage } from './records.js';
import { type RetryOptions, RETRY_DEFAULTS, sleep, withRetry } from './retry.js';

export interface ConsumerOptions {
  groupId: string;
  /** The server drops a member it has not heard from for this long (6 s – 5 min). Default 30 s. */
  sessionTimeoutMs?: number;
  /** How often a busy consumer renews its lease. Default sessionTimeoutMs / 10, at most 3 s. */
  heartbeatIntervalMs?: number;
  /**
   * How long one fetch waits on the server for records (kafkajs maxWaitTimeInMs), capped at a
   * third of the session timeout. Default 0: fetch without waiting and pause on the client
   * (`idleBackoff`), because Lambda bills a long-poll's whole wait (docs/client.md).
   */
  maxWaitTimeInMs?: number;
  /**
   * Pauses after empty fetches: 250 ms doubling to 750 ms while records arrived in the last
   * minute, then to 5 s (never more than a third of the session timeout). `false`: fetch
   * again at once. Default on when `maxWaitTimeInMs` is 0, off when the fetch long-polls.
   */
  idleBackoff?: IdleBackoffOptions | false;
  /** Bytes per fetch. Default 1 MiB. */
  maxBytes?: number;
  /** Records per fetch. Default 1,000. */
  maxRecords?: number;
  encoding?: Encoding;
  /** A stable id keeps the member's assignment across a quick restart (static membership). */
  memberId?: string;
  retry?: RetryOptions;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
}

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: KafkaMessage;
  /** The group generation this delivery belongs to (a redelivery comes in a later one). */
  generation: number;
  heartbeat(): Promise<void>;
  pause(): () => void;
}

export interface Batch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  firstOffset(): number | null;
  lastOffset(): number;
}

export interface EachBatchPayload {
  batch: Batch;
  generation: number;
  /** Marks everything up to and including `offset` processed. */
  resolveOffset(offset: number): void;
  heartbeat(): Promise<void>;
  commitOffsetsIfNecessary(): Promise<void>;
  uncommittedOffsets(): TopicPartitionOffset[];
  isRunning(): boolean;
  /** True once the group moved to a new generation: stop, the rest will be redelivered. */
  isStale(): boolean;
  pause(): () => void;
}

export interface RunOptions {
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  /** Commit after each fetched batch is processed. Default true. */
  autoCommit?: boolean;
  /** With eachBatch: resolve the whole batch when the handler returns. Default true. */
  eachBatchAutoResolve?: boolean;
}

export type ConsumerEvent =
  | { type: 'group_join'; memberId: string; generation: number; assignments: TopicPartition[] }
  | { type: 'commit'; generation: number; offsets: TopicPartitionOffset[] }
  | { type: 'rebalance'; code: string; generation: number | undefined }
  | { type: 'fetch'; records: number }
  /** After an empty fetch: the consumer pauses this long before the next one. */
  | { type: 'idle'; pauseMs: number }
  | { type: 'crash'; error: unknown };

type Member = components['schemas']['GroupMember'];
type GroupFetch = components['schemas']['GroupFetchResponse'];

const tpKey = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

/** Max offsets in one commit request (the server's limit). */
const COMMIT_CHUNK = 98;

/**
 * A kafkajs-shaped group consumer over the group routes (docs/groups.md). At-least-once:
 * it commits only what was processed, and a record is redelivered only after the group
 * moved to a new generation (a rebalance or a seek) before its offset was committed.
 */
export class Consumer {
  private topics: string[] = [];
  private fromBeginning = false;
  private member: Member | undefined;
  private readonly memberId: string;
  private running = false;
  private stale = false;
  private loop: Promise<void> | undefined;
  private abort = new AbortController();
  /** Next offset to commit per partition, this generation; and what was committed. */
  private resolved = new Map<string, TopicPartitionOffset>();
  private committed = new Map<string, number>();
  /** Fetched but not yet processed: paused partitions, and what a failed handler left. */
  private held = new Map<string, { tp: TopicPartition; messages: KafkaMessage[] }>();
  private readonly pausedSet = new Set<string>();
  /** Whole topics paused (pause() without partitions): also covers partitions assigned later. */
  private readonly pausedTopics = new Set<string>();
  private lastHeartbeat = 0;
  private readonly listeners = new Set<(e: ConsumerEvent) => void>();
  private readonly opts: Required<Omit<ConsumerOptions, 'memberId' | 'retry' | 'idleBackoff'>> & { retry: RetryOptions };
  private readonly idleBackoffOptions: IdleBackoffOptions | false;
  private idleBackoff: IdleBackoff | undefined;
  /** The pause the backoff chose after the last fetch. */
  private pauseMs = 0;

  constructor(
    private readonly http: HttpClient,
    options: ConsumerOptions,
  ) {
    const sessionTimeoutMs = options.sessionTimeoutMs ?? 30_000;
    this.opts = {
      groupId: options.groupId,
      sessionTimeoutMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? Math.min(3_000, sessionTimeoutMs / 10),
      maxWaitTimeInMs: Math.min(options.maxWaitTimeInMs ?? 0, Math.floor(sessionTimeoutMs / 3)),
      maxBytes: options.maxBytes ?? 1024 * 1024,
      maxRecords: options.maxRecords ?? 1_000,
      encoding: options.encoding ?? 'json',
      retry: options.retry ?? {},
    };
    this.memberId = options.memberId ?? `m-${crypto.randomUUID()}`;
    const backoff = options.idleBackoff ?? (this.opts.maxWaitTimeInMs === 0 ? {} : false);
    // A group fetch renews the lease, so no pause may come near the session timeout.
    const leaseCap = Math.floor(sessionTimeoutMs / 3);
    this.idleBackoffOptions =
      backoff === false
        ? false
        : {
            ...backoff,
            flowingMaxMs: Math.min(backoff.flowingMaxMs ?? 750, leaseCap),
            idleMaxMs: Math.min(backoff.idleMaxMs ?? 5_000, leaseCap),
          };
  }

  async connect(): Promise<void> {}

  async subscribe(s: { topics?: string[]; topic?: string; fromBeginning?: boolean }): Promise<void> {
    this.topics = [...new Set([...this.topics, ...(s.topics ?? []), ...(s.topic ? [s.topic] : [])])];
    this.fromBeginning = s.fromBeginning ?? this.fromBeginning;
  }

  /** Joins and starts the fetch loop; resolves once joined. Handler errors are retried (redelivered). */
  async run(options: RunOptions): Promise<void> {
    if (!options.eachMessage === !options.eachBatch) throw new TypeError('run() needs exactly one of eachMessage or eachBatch');
    if (this.topics.length === 0) throw new TypeError('subscribe() to at least one topic before run()');
    if (this.running) throw new TypeError('the consumer is already running');
    this.running = true;
    this.abort = new AbortController();
    this.idleBackoff = this.idleBackoffOptions === false ? undefined : new IdleBackoff(this.idleBackoffOptions);
    this.pauseMs = 0;
    await this.join();
    this.loop = this.fetchLoop({ autoCommit: true, eachBatchAutoResolve: true, ...options });
  }

  /** Stops fetching, commits what was processed, and leaves the group (a rebalance at once). */
  async disconnect(): Promise<void> {
    await this.stop();
    if (!this.member) return;
    const member = this.member;
    this.member = undefined;
    await this.http
      .call('DELETE', `/v1/groups/${encodePath(this.opts.groupId)}/members/${encodePath(member.memberId)}`, { retry: { deadlineMs: 5_000 } })
      .catch(() => {}); // already gone (session expired) is as good as left
  }

  /** Stops the fetch loop after the current batch; stays a member until the session expires. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort.abort();
    await this.loop;
    await this.commitResolved().catch(() => {});
  }

  pause(topics: { topic: string; partitions?: number[] }[]): void {
    for (const t of topics) if (!t.partitions) this.pausedTopics.add(t.topic);
    for (const tp of this.expand(topics)) this.pausedSet.add(tpKey(tp));
  }

  resume(topics: { topic: string; partitions?: number[] }[]): void {
    for (const t of topics) if (!t.partitions) this.pausedTopics.delete(t.topic);
    for (const tp of this.expand(topics)) this.pausedSet.delete(tpKey(tp));
  }

  paused(): TopicPartition[] {
    return [...this.pausedSet].map((k) => {
      const [topic, p] = k.split('\u0000');
      return { topic: topic!, partition: Number(p) };
    });
  }

  /**
   * Moves the group's committed offset for a partition (POST /v1/groups/{group}/seek).
   * That starts a new generation: every member restarts from the committed offsets.
   */
  async seek(s: { topic: string; partition: number; offset: number }): Promise<void> {
    await this.http.call('POST', `/v1/groups/${encodePath(this.opts.groupId)}/seek`, {
      body: { topic: s.topic, partitions: [s.partition], to: { offset: s.offset } },
    });
    this.stale = true;
  }

  /** Commits explicit offsets (the next offset to read, as in Kafka). */
  async commitOffsets(offsets: TopicPartitionOffset[]): Promise<void> {
    for (const o of offsets) this.resolved.set(tpKey(o), o);
    await this.commitResolved();
  }

  describeGroup(): Promise<components['schemas']['GroupDescription']> {
    return this.http.call('GET', `/v1/groups/${encodePath(this.opts.groupId)}`, { retry: true });
  }

  /** The consumer group's id. */
  get groupId(): string {
    return this.opts.groupId;
  }

  /** The current member id, generation and assignment (undefined before joining). */
  assignment(): Member | undefined {
    return this.member;
  }

  on(listener: (e: ConsumerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: ConsumerEvent): void {
    for (const l of this.listeners) l(e);
  }

  private async join(): Promise<void> {
    const member = await this.http.call<Member>('POST', `/v1/groups/${encodePath(this.opts.groupId)}/members`, {
      body: {
        topics: this.topics,
        sessionTimeoutMs: this.opts.sessionTimeoutMs,
        memberId: this.memberId,
        autoOffsetReset: this.fromBeginning ? 'earliest' : 'latest',
      },
      retry: { ...this.opts.retry, deadlineMs: this.opts.sessionTimeoutMs },
      signal: this.abort.signal,
    });
    this.adopt(member);
  }

  /** A new generation: everything fetched but not committed will be fetched again. */
  private adopt(member: Member): void {
    if (this.member?.generation !== member.generation || this.member.memberId !== member.memberId) {
      this.resolved.clear();
      this.committed.clear();
      this.held.clear();
      this.emit({ type: 'group_join', memberId: member.memberId, generation: member.generation, assignments: member.assignments });
    }
    this.member = member;
    this.stale = false;
    this.lastHeartbeat = Date.now();
  }

  private async heartbeat(): Promise<void> {
    if (!this.member || Date.now() - this.lastHeartbeat < this.opts.heartbeatIntervalMs) return;
    this.lastHeartbeat = Date.now();
    try {
      const m = await this.http.call<Member>('POST', `/v1/groups/${encodePath(this.opts.groupId)}/members/${encodePath(this.member.memberId)}/heartbeat`, {
        retry: { deadlineMs: this.opts.heartbeatIntervalMs },
      });
      if (m.generation !== this.member.generation) this.stale = true;
    } catch (err) {
      if (err instanceof RebalanceError) this.stale = true;
      else if (!(err instanceof FreshetError && err.retriable)) throw err;
    }
  }

  private async fetchLoop(run: RunOptions): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        if (!this.member) await this.join();
        if (this.stale) await this.resync();
        const round = this.held.size > 0 && this.readyHeld().length > 0 ? this.takeReadyHeld() : await this.fetchRound();
        if (!this.running && round.length === 0) break;
        await this.process(round, run);
        if (run.autoCommit && !this.stale) await this.commitResolved();
        failures = 0;
        if (this.pauseMs > 0 && this.running && !this.stale) {
          const pause = this.pauseMs;
          this.pauseMs = 0;
          await sleep(pause, this.abort.signal);
        }
      } catch (err) {
        if (!this.running) break;
        if (err instanceof RebalanceError) {
          this.emit({ type: 'rebalance', code: err.code, generation: err.generation });
          if (err.code === 'UNKNOWN_MEMBER_ID') this.member = undefined;
          else this.stale = true;
          continue;
        }
        this.emit({ type: 'crash', error: err });
        const { initialBackoffMs, maxBackoffMs } = { ...RETRY_DEFAULTS, ...this.opts.retry };
        await sleep(Math.random() * Math.min(maxBackoffMs, initialBackoffMs * 2 ** failures++), this.abort.signal);
      }
    }
  }

  /** Learns the current generation and assignment; rejoins if the member was dropped. */
  private async resync(): Promise<void> {
    try {
      const m = await this.http.call<Member>('POST', `/v1/groups/${encodePath(this.opts.groupId)}/members/${encodePath(this.memberId)}/heartbeat`, {
        retry: { ...this.opts.retry, deadlineMs: this.opts.sessionTimeoutMs },
        signal: this.abort.signal,
      });
      this.adopt(m);
    } catch (err) {
      if (!(err instanceof RebalanceError) || err.code !== 'UNKNOWN_MEMBER_ID') throw err;
      this.member = undefined;
      await this.join();
    }
  }

  private async fetchRound(): Promise<{ tp: TopicPartition; messages: KafkaMessage[] }[]> {
    if (this.heldBytes() > 4 * this.opts.maxBytes) {
      // Paused partitions hold enough already: keep the lease, fetch nothing until resume.
      await sleep(this.opts.heartbeatIntervalMs, this.abort.signal);
      this.lastHeartbeat = 0;
      await this.heartbeat();
      return [];
    }
    const member = this.member!;
    const res = await withRetry(
      () =>
        this.http.call<GroupFetch>('GET', `/v1/groups/${encodePath(this.opts.groupId)}/records`, {
          query: {
            memberId: member.memberId,
            generation: member.generation,
            waitMs: this.opts.maxWaitTimeInMs,
            limit: this.opts.maxRecords,
            maxBytes: this.opts.maxBytes,
            encoding: this.opts.encoding,
          },
          waitMs: this.opts.maxWaitTimeInMs,
          signal: this.abort.signal,
        }),
      { ...this.opts.retry, deadlineMs: this.opts.sessionTimeoutMs },
      this.abort.signal,
    );
    this.lastHeartbeat = Date.now(); // a group fetch renews the lease
    this.emit({ type: 'fetch', records: res.records.length });
    if (this.idleBackoff) {
      this.pauseMs = this.idleBackoff.next(res.records.length);
      if (this.pauseMs > 0) this.emit({ type: 'idle', pauseMs: this.pauseMs });
    }
    const groups = new Map<string, { tp: TopicPartition; messages: KafkaMessage[] }>();
    for (const r of res.records) {
      const k = tpKey(r);
      let g = groups.get(k);
      if (!g) {
        g = { tp: { topic: r.topic, partition: r.partition }, messages: [] };
        groups.set(k, g);
      }
      g.messages.push(toMessage(r, this.opts.encoding));
    }
    // A partition with nothing waiting is committed at its position, so a new owner does not
    // re-apply autoOffsetReset ('latest' would skip what arrived in between).
    for (const p of res.positions) {
      const k = tpKey(p);
      if (!groups.has(k) && !this.held.has(k)) this.resolved.set(k, p);
    }
    const ready: { tp: TopicPartition; messages: KafkaMessage[] }[] = [];
    for (const [k, g] of groups) {
      if (this.isPaused(k)) this.hold(g);
      else ready.push(g);
    }
    return ready;
  }

  private async process(round: { tp: TopicPartition; messages: KafkaMessage[] }[], run: RunOptions): Promise<void> {
    const generation = this.member!.generation;
    const timer = setInterval(() => void this.heartbeat().catch(() => {}), this.opts.heartbeatIntervalMs);
    try {
      for (let i = 0; i < round.length; i++) {
        const { tp, messages } = round[i]!;
        if (!this.running || this.stale) return;
        const k = tpKey(tp);
        const resolve = (offset: number) => this.resolved.set(k, { ...tp, offset: offset + 1 });
        const pause = () => {
          this.pausedSet.add(k);
          return () => this.pausedSet.delete(k);
        };
        try {
          if (run.eachMessage) {
            for (const message of messages) {
              if (!this.running || this.stale || this.isPaused(k)) break;
              await run.eachMessage({ ...tp, message, generation, heartbeat: () => this.heartbeat(), pause });
              resolve(message.offset);
            }
          } else {
            await run.eachBatch!({
              batch: {
                ...tp,
                messages,
                firstOffset: () => messages[0]?.offset ?? null,
                lastOffset: () => messages.at(-1)?.offset ?? -1,
              },
              generation,
              resolveOffset: resolve,
              heartbeat: () => this.heartbeat(),
              commitOffsetsIfNecessary: () => this.commitResolved(),
              uncommittedOffsets: () => [...this.resolved.values()].filter((o) => this.committed.get(tpKey(o)) !== o.offset),
              isRunning: () => this.running,
              isStale: () => this.stale,
              pause,
            });
            if (run.eachBatchAutoResolve && !this.stale && messages.length > 0) resolve(messages.at(-1)!.offset);
          }
        } catch (err) {
          // Not skipped: what this partition and the rest of the round did not finish is redelivered.
          this.holdUnresolved(round.slice(i));
          throw err;
        }
        this.holdUnresolved([round[i]!]);
      }
    } finally {
      clearInterval(timer);
    }
  }

  /** Keeps the messages past each partition's resolved offset for the next round. */
  private holdUnresolved(groups: { tp: TopicPartition; messages: KafkaMessage[] }[]): void {
    if (this.stale) return; // a new generation restarts from the committed offsets
    for (const g of groups) {
      const done = this.resolved.get(tpKey(g.tp))?.offset ?? -1;
      const rest = g.messages.filter((m) => m.offset >= done);
      if (rest.length > 0) this.hold({ tp: g.tp, messages: rest });
    }
  }

  private hold(g: { tp: TopicPartition; messages: KafkaMessage[] }): void {
    const k = tpKey(g.tp);
    const held = this.held.get(k);
    if (held) held.messages.push(...g.messages.filter((m) => m.offset > (held.messages.at(-1)?.offset ?? -1)));
    else this.held.set(k, { tp: g.tp, messages: [...g.messages] });
  }

  private readyHeld() {
    return [...this.held.entries()].filter(([k]) => !this.isPaused(k));
  }

  private isPaused(k: string): boolean {
    return this.pausedSet.has(k) || this.pausedTopics.has(k.slice(0, k.indexOf('\u0000')));
  }

  private takeReadyHeld() {
    return this.readyHeld().map(([k, g]) => {
      this.held.delete(k);
      return g;
    });
  }

  private heldBytes(): number {
    let n = 0;
    for (const g of this.held.values()) n += g.messages.length * 64 + g.messages.reduce((s, m) => s + JSON.stringify(m.value ?? null).length, 0);
    return n;
  }

  private async commitResolved(): Promise<void> {
    const member = this.member;
    if (!member) return;
    const offsets = [...this.resolved.values()].filter((o) => this.committed.get(tpKey(o)) !== o.offset);
    for (let i = 0; i < offsets.length; i += COMMIT_CHUNK) {
      const chunk = offsets.slice(i, i + COMMIT_CHUNK);
      await this.http.call('POST', `/v1/groups/${encodePath(this.opts.groupId)}/offsets`, {
        body: { memberId: member.memberId, generation: member.generation, offsets: chunk },
        retry: { ...this.opts.retry, deadlineMs: this.opts.sessionTimeoutMs },
      });
      if (this.member?.generation !== member.generation) return;
      for (const o of chunk) this.committed.set(tpKey(o), o.offset);
      this.emit({ type: 'commit', generation: member.generation, offsets: chunk });
    }
  }

  private expand(topics: { topic: string; partitions?: number[] }[]): TopicPartition[] {
    return topics.flatMap(({ topic, partitions }) => {
      const ps = partitions ?? (this.member?.assignments ?? []).filter((a) => a.topic === topic).map((a) => a.partition);
      return ps.map((partition) => ({ topic, partition }));
    });
  }
}

import type { components } from './generated/openapi.js';
import { encodePath, type HttpClient } from './http.js';

type S = components['schemas'];
export type Topic = S['Topic'];
export type GroupDescription = S['GroupDescription'];
export type Subscription = S['Subscription'];
export type Replay = S['Replay'];
export type ApiKey = S['ApiKey'];
export type TopicSchema = S['TopicSchema'];

const t = (topic: string) => `/v1/topics/${encodePath(topic)}`;
const g = (group: string) => `/v1/groups/${encodePath(group)}`;
const sub = (id: string) => `/v1/subscriptions/${encodePath(id)}`;

/** Every route of the API that is not producing or consuming, one method each. Reads are retried. */
export class Admin {
  constructor(private readonly http: HttpClient) {}

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}

  health(): Promise<unknown> {
    return this.http.call('GET', '/v1/health', { retry: true });
  }

  // Topics
  createTopic(req: S['CreateTopicRequest']): Promise<Topic> {
    return this.http.call('POST', '/v1/topics', { body: req });
  }
  async listTopics(): Promise<Topic[]> {
    return (await this.http.call<{ topics: Topic[] }>('GET', '/v1/topics', { retry: true })).topics;
  }
  describeTopic(topic: string): Promise<Topic> {
    return this.http.call('GET', t(topic), { retry: true });
  }
  alterTopic(topic: string, req: S['UpdateTopicRequest']): Promise<Topic> {
    return this.http.call('PATCH', t(topic), { body: req });
  }
  async deleteTopic(topic: string): Promise<void> {
    await this.http.call('DELETE', t(topic));
  }
  async partitions(topic: string): Promise<S['Partitions']['partitions']> {
    return (await this.http.call<S['Partitions']>('GET', `${t(topic)}/partitions`, { retry: true })).partitions;
  }
  /** Kafka's offsetsForTimes: the first offset appended at or after `timestamp`, else the high watermark. */
  offsetForTime(topic: string, partition: number, timestamp: number): Promise<{ offset: number; timestamp: number | null }> {
    return this.http.call('GET', `${t(topic)}/partitions/${partition}/offsets`, { query: { timestamp }, retry: true });
  }

  // Topic schemas (docs/schemas.md)
  /** Registers a new version (or answers the latest when it is the same); 409 INCOMPATIBLE_SCHEMA names each incompatibility. */
  setTopicSchema(topic: string, req: S['PutTopicSchemaRequest']): Promise<TopicSchema> {
    return this.http.call('PUT', `${t(topic)}/schema`, { body: req });
  }
  /** The latest version, or `version`. */
  getTopicSchema(topic: string, version?: number): Promise<TopicSchema> {
    return this.http.call('GET', version === undefined ? `${t(topic)}/schema` : `${t(topic)}/schema/versions/${version}`, { retry: true });
  }
  async topicSchemaVersions(topic: string): Promise<TopicSchema[]> {
    return (await this.http.call<{ versions: TopicSchema[] }>('GET', `${t(topic)}/schema/versions`, { retry: true })).versions;
  }

  // Consumer groups
  async listGroups(): Promise<{ group: string; generation: number; members: number }[]> {
    return (await this.http.call<{ groups: { group: string; generation: number; members: number }[] }>('GET', '/v1/groups', { retry: true })).groups;
  }
  describeGroup(group: string): Promise<GroupDescription> {
    return this.http.call('GET', g(group), { retry: true });
  }
  /** Sets committed offsets (starts a new generation: members restart from them). */
  seekGroup(group: string, req: S['SeekGroupRequest']): Promise<{ generation: number; offsets: { topic: string; partition: number; offset: number }[] }> {
    return this.http.call('POST', `${g(group)}/seek`, { body: req });
  }
  async deleteGroup(group: string): Promise<void> {
    await this.http.call('DELETE', g(group));
  }

  // Webhook subscriptions
  createSubscription(req: S['CreateSubscriptionRequest']): Promise<S['SubscriptionWithSecret']> {
    return this.http.call('POST', '/v1/subscriptions', { body: req });
  }
  async listSubscriptions(): Promise<Subscription[]> {
    return (await this.http.call<{ subscriptions: Subscription[] }>('GET', '/v1/subscriptions', { retry: true })).subscriptions;
  }
  describeSubscription(id: string): Promise<S['SubscriptionDetail']> {
    return this.http.call('GET', sub(id), { retry: true });
  }
  alterSubscription(id: string, req: S['UpdateSubscriptionRequest']): Promise<Subscription> {
    return this.http.call('PATCH', sub(id), { body: req });
  }
  pauseSubscription(id: string): Promise<Subscription> {
    return this.alterSubscription(id, { state: 'paused' });
  }
  resumeSubscription(id: string): Promise<Subscription> {
    return this.alterSubscription(id, { state: 'active' });
  }
  async deleteSubscription(id: string): Promise<void> {
    await this.http.call('DELETE', sub(id));
  }
  rotateSubscriptionSecret(id: string): Promise<S['SubscriptionWithSecret']> {
    return this.http.call('POST', `${sub(id)}/rotate-secret`);
  }
  seekSubscription(id: string, req: S['SeekSubscriptionRequest']): Promise<unknown> {
    return this.http.call('POST', `${sub(id)}/seek`, { body: req });
  }

  // Replays
  startReplay(req: S['CreateReplayRequest']): Promise<Replay> {
    return this.http.call('POST', '/v1/replays', { body: req });
  }
  /**
   * One page of replays, newest first (of topics the key may consume). `status` keeps only
   * those states; page on with `before: page.nextBefore` while it is not null.
   */
  listReplays(options: { status?: Replay['status'] | Replay['status'][]; limit?: number; before?: string } = {}): Promise<S['ReplayList']> {
    const status = Array.isArray(options.status) ? options.status.join(',') : options.status;
    return this.http.call('GET', '/v1/replays', {
      query: { status, limit: options.limit, before: options.before },
      retry: true,
    });
  }
  describeReplay(id: string): Promise<Replay> {
    return this.http.call('GET', `/v1/replays/${encodePath(id)}`, { retry: true });
  }
  async cancelReplay(id: string): Promise<void> {
    await this.http.call('DELETE', `/v1/replays/${encodePath(id)}`);
  }

  // API keys
  createKey(req: S['CreateKeyRequest']): Promise<S['CreatedApiKey']> {
    return this.http.call('POST', '/v1/keys', { body: req });
  }
  /** The key this client presents: its id and scopes. */
  describeOwnKey(): Promise<S['ApiKeySelf']> {
    return this.http.call('GET', '/v1/keys/self', { retry: true });
  }
  async listKeys(): Promise<ApiKey[]> {
    return (await this.http.call<{ keys: ApiKey[] }>('GET', '/v1/keys', { retry: true })).keys;
  }
  async revokeKey(id: string): Promise<void> {
    await this.http.call('DELETE', `/v1/keys/${encodePath(id)}`);
  }

  // Maintenance
  runMaintenance(): Promise<S['MaintenanceReport']> {
    return this.http.call('POST', '/v1/maintenance/run');
  }
}

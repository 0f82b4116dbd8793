import type { Topic } from '../model/topic.js';

/**
 * How long a process trusts a topic's configuration without reading it again. Like a Kafka
 * client's `metadata.max.age.ms`: a partition count grown by another process is seen within
 * this long (an explicit partition beyond the cached count re-reads at once). Deletion does
 * not depend on it: a deleted incarnation's heads are closed before its name is freed, so a
 * commit through a stale entry fails and the produce re-reads the topic
 * (docs/log.md, "Topic metadata cache").
 */
export const TOPIC_CACHE_MAX_AGE_MS = 60_000;

/** Topics by name as this process last read them, so a produce makes no read before its PUT. */
export class TopicCache {
  private readonly topics = new Map<string, { topic: Topic; readAt: number }>();

  constructor(private readonly maxAgeMs: number = TOPIC_CACHE_MAX_AGE_MS) {}

  get(name: string, now: number): Topic | undefined {
    const cached = this.topics.get(name);
    if (!cached) return undefined;
    // A clock that went backwards also counts as stale.
    if (now - cached.readAt > this.maxAgeMs || now < cached.readAt) {
      this.topics.delete(name);
      return undefined;
    }
    return cached.topic;
  }

  set(topic: Topic, now: number): void {
    if (this.topics.size > 10_000) this.topics.clear();
    this.topics.set(topic.name, { topic, readAt: now });
  }

  forget(name: string): void {
    this.topics.delete(name);
  }
}

import type { PartitionHead } from '../model/log-index.js';

/**
 * The last head this process committed or read, per partition. A commit uses it as its
 * expected value without reading first; if another process moved the head, the
 * conditional write fails and the commit re-reads. Stale entries cost a retry, never
 * correctness.
 */
export class HeadCache {
  private readonly heads = new Map<string, PartitionHead>();

  get(topicId: string, partition: number): PartitionHead | undefined {
    return this.heads.get(`${topicId}#${partition}`);
  }

  set(topicId: string, partition: number, head: PartitionHead): void {
    if (this.heads.size > 100_000) this.heads.clear();
    this.heads.set(`${topicId}#${partition}`, head);
  }

  delete(topicId: string, partition: number): void {
    this.heads.delete(`${topicId}#${partition}`);
  }
}

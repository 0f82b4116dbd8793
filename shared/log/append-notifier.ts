import { EventEmitter } from 'node:events';

/**
 * Wakes long-polling fetches in this process as soon as a commit lands. Commits made by
 * other processes (other Lambda instances) are noticed by polling the head instead.
 */
const ANY_APPEND = Symbol('any append');

export class AppendNotifier {
  private readonly events = new EventEmitter();

  constructor() {
    this.events.setMaxListeners(0);
  }

  notify(topicId: string, partition: number): void {
    this.events.emit(`${topicId}#${partition}`);
    this.events.emit(ANY_APPEND, topicId, partition);
  }

  /** Calls `listener` after every append in this process (local mode wakes the dispatcher with it); returns an unsubscribe. */
  onAnyAppend(listener: (topicId: string, partition: number) => void): () => void {
    this.events.on(ANY_APPEND, listener);
    return () => this.events.off(ANY_APPEND, listener);
  }

  /** Resolves on the next append to the partition, or after `timeoutMs`, whichever is first. */
  waitForAppend(topicId: string, partition: number, timeoutMs: number): Promise<void> {
    const name = `${topicId}#${partition}`;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off(name, done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.events.on(name, done);
    });
  }
}

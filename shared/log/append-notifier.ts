import { EventEmitter } from 'node:events';

/**
 * Wakes long-polling fetches in this process as soon as a commit lands. Commits made by
 * other processes (other Lambda instances) are noticed by polling the head instead.
 */
export class AppendNotifier {
  private readonly events = new EventEmitter();

  constructor() {
    this.events.setMaxListeners(0);
  }

  notify(topicId: string, partition: number): void {
    this.events.emit(`${topicId}#${partition}`);
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

/**
 * A transformer process for the exactly-once pipeline test (test/groups/exactly-once-pipeline.test.ts):
 * consumes `in` in group `transformers` and produces f(record) to `out` with its input
 * offsets in the same request (producer.sendWithOffsets). The test kills it with SIGKILL
 * at random points; it never leaves its group, so its lease runs out as a crash's would.
 *
 * Usage: node --import tsx test/support/pipeline-transformer.ts <url> <apiKey> <inTopic> <outTopic> <group>
 */
import { Freshet } from '../../client/src/index.js';

const [url, apiKey, inTopic, outTopic, group] = process.argv.slice(2) as [string, string, string, string, string];
const freshet = new Freshet({ url, apiKey });
const consumer = freshet.consumer({ groupId: group, sessionTimeoutMs: 6_000, maxRecords: 60, maxWaitTimeInMs: 500 });
const producer = freshet.producer();

/** The transformation: its output names its input, so the test can tell duplicates from losses. */
export const transform = (partition: number, offset: number, value: unknown) => ({ from: `${partition}:${offset}`, doubled: (value as { n: number }).n * 2 });

await consumer.subscribe({ topic: inTopic, fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, generation, resolveOffset, isStale }) => {
    if (batch.messages.length === 0 || isStale()) return;
    // Some work, so that kills land in the middle of batches as well as between them.
    await new Promise((r) => setTimeout(r, Math.random() * 25));
    await producer.sendWithOffsets({
      topic: outTopic,
      messages: batch.messages.map((m) => ({ key: `${batch.partition}:${m.offset}`, value: transform(batch.partition, m.offset, m.value) })),
      consumer,
      generation,
      offsets: [{ topic: inTopic, partition: batch.partition, offset: batch.lastOffset() + 1 }],
    });
    resolveOffset(batch.lastOffset());
  },
});
process.stdout.write('running\n');

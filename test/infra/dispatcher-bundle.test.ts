import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type AttributeValue, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildFunction } from '../../infra/bundling.js';
import { REPO_ROOT } from '../../infra/constructs/function.js';
import { METRICS_NAMESPACE, SERVICE_NAMES } from '../../shared/metrics.js';
import { ENTRY_PREFIX, logPk } from '../../shared/storage/keys.js';
import { createHarness, type Harness, subscribe } from '../subscriptions/harness.js';
import { parseDelivery, Receiver } from '../subscriptions/receiver.js';

/**
 * One Lambda instance in a worker thread, as in api-bundle.test.ts: Node's own loader
 * imports the bundle with the worker's environment, and `handler` gets the events sent.
 */
const INSTANCE = `
import { parentPort, workerData } from 'node:worker_threads';
const { handler } = await import(workerData.bundle);
parentPort.on('message', async (event) => {
  try {
    parentPort.postMessage({ result: await handler(event, { getRemainingTimeInMillis: () => 120000 }) });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.stack || err) });
  }
});
parentPort.postMessage({ ready: true });
`;

let dir: string;
let bundle: string;
let h: Harness;
const receiver = new Receiver();
const workers: Worker[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'freshet-dispatcher-bundle-'));
  bundle = join(dir, 'index.mjs');
  // Exactly what the stack deploys (infra/build-function.ts).
  await buildFunction(join(REPO_ROOT, 'functions/dispatcher.ts'), dir);
  await writeFile(join(dir, 'instance.mjs'), INSTANCE);
  h = await createHarness();
  await receiver.start();
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.terminate()));
  await receiver.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A cold start with exactly `env`; `invoke` sends one event, `output` is the instance's log stream. */
async function coldStart(env: Record<string, string>) {
  const worker = new Worker(join(dir, 'instance.mjs'), { env, workerData: { bundle: pathToFileURL(bundle).href }, stdout: true, stderr: true });
  workers.push(worker);
  let output = '';
  for (const stream of [worker.stdout, worker.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  return {
    invoke: (event: unknown) =>
      new Promise<unknown>((resolve, reject) => {
        worker.once('message', (m: { result?: unknown; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.result)));
        worker.postMessage(event);
      }),
    output: () => output,
  };
}

/**
 * The stream records Lambda would pass for these items, after the stack's event filter:
 * INSERTs with Keys and NEW_IMAGE in DynamoDB JSON, as the table's stream (NEW_IMAGE) carries them.
 */
function streamEvent(items: Record<string, AttributeValue>[]) {
  const streamArn = 'arn:aws:dynamodb:us-east-1:123456789012:table/Freshet-StorageTableB43FDCE7-1A2B3C4D/stream/2026-11-21T22:00:00.000';
  return {
    Records: items.map((item, i) => ({
      eventID: randomUUID().replaceAll('-', ''),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: { pk: item.pk, sk: item.sk },
        NewImage: item,
        SequenceNumber: String(4_000_000_000_000_000_000n + BigInt(i)),
        SizeBytes: JSON.stringify(item).length,
        StreamViewType: 'NEW_IMAGE',
      },
      eventSourceARN: streamArn,
    })),
  };
}

describe('the dispatcher bundle', () => {
  it('is an ES module with its source map, small enough for a quick cold start', async () => {
    const size = (await stat(bundle)).size;
    expect(size).toBeGreaterThan(100_000);
    expect(size).toBeLessThan(3_000_000);
    expect((await stat(`${bundle}.map`)).size).toBeGreaterThan(0);
  });

  it('delivers the records of a stream INSERT to a subscription, signed, and writes the EMF metrics', async () => {
    await h.topic('orders', 2);
    const sub = await subscribe(h, { topic: 'orders', url: receiver.url });
    receiver.secret = sub.secret;
    await h.produce('orders', [
      { value: { n: 1 }, partition: 1 },
      { value: { n: 2 }, partition: 1 },
    ]);

    // The log entry the produce committed, read back raw (DynamoDB JSON), as the stream would carry it.
    const topic = await h.stack.log.topics.get('orders');
    const { Items } = await h.stack.clients.dynamo.send(
      new QueryCommand({
        TableName: h.stack.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': { S: logPk(topic!.topicId, 1) }, ':sk': { S: ENTRY_PREFIX } },
      }),
    );
    expect(Items).toHaveLength(1);

    const { dynamoEndpoint, s3Endpoint } = inject('emulators');
    const instance = await coldStart({
      FRESHET_TABLE: h.stack.table,
      FRESHET_BUCKET: h.stack.bucket,
      FRESHET_DYNAMODB_ENDPOINT: dynamoEndpoint,
      FRESHET_S3_ENDPOINT: s3Endpoint,
      // The receiver listens on 127.0.0.1, which the deployed function refuses by default.
      FRESHET_WEBHOOK_ALLOW_LOOPBACK: 'true',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    const result = await instance.invoke(streamEvent(Items!));
    expect(result).toMatchObject({ subscriptions: 1, attempts: 1 });

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    // Checked by the standardwebhooks reference library with the subscription's secret.
    expect(request!.verified).toBe(true);
    const delivery = parseDelivery(request!);
    expect(delivery).toMatchObject({ subscription: sub.id, topic: 'orders', partition: 1 });
    expect(delivery.records.map((r) => [r.offset, r.value])).toEqual([
      [0, { n: 1 }],
      [1, { n: 2 }],
    ]);

    // Powertools writes EMF lines to stdout; CloudWatch turns them into the metrics alarms.ts watches.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const emf = instance
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string }[] } });
    expect(emf.every((m) => m._aws.CloudWatchMetrics[0]!.Namespace === METRICS_NAMESPACE && m.service === SERVICE_NAMES.dispatcher)).toBe(true);
    expect(emf).toContainEqual(expect.objectContaining({ outcome: 'delivered', Deliveries: 1 }));
    expect(emf).toContainEqual(expect.objectContaining({ RecordsFetched: 2 }));
    expect(emf.some((m) => 'DeadLetteredRecords' in m)).toBe(false);
  });

  it('ignores a stream batch that names no new log entry', async () => {
    const instance = await coldStart({ FRESHET_TABLE: h.stack.table, FRESHET_BUCKET: h.stack.bucket, AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'WARN' });
    const head = { pk: { S: 'LOG#01JTOPIC#0' }, sk: { S: 'HEAD' }, nextOffset: { N: '3' } };
    const event = streamEvent([head]);
    event.Records[0]!.eventName = 'MODIFY';
    // No storage endpoint is set: any call it tried would fail, so an answer means it made none.
    expect(await instance.invoke(event)).toEqual({ subscriptions: 0, attempts: 0 });
  });
});

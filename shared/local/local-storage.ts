import { join } from 'node:path';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { repairS3rverDirectory } from './s3-repair.js';
import { startS3Server } from './s3-server.js';
import { type SupervisedEmulator, supervise } from './supervisor.js';

export interface LocalStorage {
  dynamoEndpoint: string;
  s3Endpoint: string;
  dynamo: SupervisedEmulator;
  s3: SupervisedEmulator;
  stop(): Promise<void>;
}

/**
 * Local mode's storage: DynamoDB Local and s3rver on free loopback ports, data under
 * `dataDir`, each one restarted by a supervisor when it dies. Torn s3rver files left by a
 * kill are repaired before every start of s3rver (see s3-repair.ts).
 */
export async function startLocalStorage(dataDir: string, onGiveUp: (message: string) => void): Promise<LocalStorage> {
  const s3Directory = join(dataDir, 's3');
  const setAside = join(dataDir, 's3-torn');
  const startS3 = async (port: number | undefined) => {
    for (const line of await repairS3rverDirectory(s3Directory, setAside)) console.error(line);
    return startS3Server({ directory: s3Directory, ...(port !== undefined ? { port } : {}) });
  };
  const startDynamo = (port: number | undefined) => startDynamoDbLocal({ dbPath: join(dataDir, 'dynamodb'), ...(port !== undefined ? { port } : {}) });
  const started = await Promise.allSettled([
    supervise({ name: 'DynamoDB Local', start: startDynamo, onGiveUp }),
    supervise({ name: 's3rver', start: startS3, onGiveUp }),
  ]);
  const [dynamo, s3] = started;
  if (dynamo.status !== 'fulfilled' || s3.status !== 'fulfilled') {
    await Promise.allSettled(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    throw dynamo.status === 'rejected' ? dynamo.reason : (s3 as PromiseRejectedResult).reason;
  }
  return {
    dynamoEndpoint: dynamo.value.endpoint,
    s3Endpoint: s3.value.endpoint,
    dynamo: dynamo.value,
    s3: s3.value,
    stop: async () => {
      await Promise.allSettled([dynamo.value.stop(), s3.value.stop()]);
    },
  };
}

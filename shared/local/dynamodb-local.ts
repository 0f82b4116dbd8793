import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EmulatorStartError, launchEmulator, type RunningEmulator } from './emulator-process.js';
import { freePort, isPortFree } from './free-port.js';
import { findJava } from './java.js';

export { EmulatorStartError, type RunningEmulator } from './emulator-process.js';

export interface DynamoDbLocalOptions {
  /** Defaults to a free port. */
  port?: number;
  /** Persist tables in this directory (created if missing); omitted = in memory, gone on stop. */
  dbPath?: string;
}

/**
 * Starts AWS's DynamoDB Local jar (shipped inside amplify-dynamodb-simulator) and resolves
 * once it answers ListTables.
 *
 * It listens on all interfaces, not just loopback: the jar has no bind-address option
 * (see its -help). The endpoint we hand out is loopback all the same.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningEmulator> {
  const java = findJava();
  const emulator = emulatorFolder();
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  if (!(await isPortFree(port))) {
    throw new EmulatorStartError(`cannot start DynamoDB Local: port ${port} is already in use (an earlier emulator still running?)`);
  }

  const storage = options.dbPath === undefined ? ['-inMemory'] : ['-dbPath', await prepareDbPath(options.dbPath)];

  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    // Any credentials do (-sharedDb ignores them) but the SDK insists on some; newer DynamoDB Local releases accept only letters and digits.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    return await launchEmulator({
      name: 'DynamoDB Local',
      command: java,
      args: [
        // Quick start matters more than peak speed for short runs; serial GC keeps the footprint small.
        '-XX:TieredStopAtLevel=1',
        '-XX:+UseSerialGC',
        `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
        '-jar',
        join(emulator, 'DynamoDBLocal.jar'),
        // Without -sharedDb each access key and region sees its own database.
        '-sharedDb',
        '-disableTelemetry',
        '-port',
        String(port),
        ...storage,
      ],
      port,
      endpoint,
      probe: async (abortSignal) => {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal });
      },
      // When it cannot bind, the main thread dies but other threads keep the JVM alive.
      fatalOutput: /Exception in thread "main"/,
    });
  } finally {
    client.destroy();
  }
}

/** DynamoDB Local wants an existing directory, and an absolute path keeps it independent of its working directory. */
async function prepareDbPath(dbPath: string): Promise<string> {
  const absolute = resolve(dbPath);
  await mkdir(absolute, { recursive: true });
  return absolute;
}

/**
 * The `emulator/` folder of amplify-dynamodb-simulator. Resolved through its package.json
 * only: the package's index pulls in a large CLI we do not want.
 */
function emulatorFolder(): string {
  const packageJson = createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json');
  const folder = join(dirname(packageJson), 'emulator');
  if (!existsSync(join(folder, 'DynamoDBLocal.jar'))) {
    throw new EmulatorStartError(`DynamoDB Local's jar is missing from ${folder}; reinstall amplify-dynamodb-simulator`);
  }
  return folder;
}

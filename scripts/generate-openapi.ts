/**
 * `npm run openapi`: writes openapi.yaml from the zod route definitions, by asking the
 * app itself for /openapi.yaml (the same document the running service serves).
 * test/http/openapi.test.ts fails when the checked-in file is stale.
 */
import { writeFile } from 'node:fs/promises';
import { createApp } from '../shared/http/app.js';
import { createLogContext } from '../shared/log/create-log-context.js';
import { createStorageClients } from '../shared/storage/clients.js';

// The spec needs routes, not storage: these clients are never called.
const log = createLogContext({ clients: createStorageClients({ region: 'us-east-1' }), table: 'unused', bucket: 'unused' });
const res = await createApp({ log, rootKey: 'unused-root-key-for-the-spec' }).request('/openapi.yaml');
await writeFile(new URL('../openapi.yaml', import.meta.url), await res.text());
console.log('wrote openapi.yaml');

/**
 * `npm run openapi`: writes openapi.yaml from the zod route definitions, by asking the
 * app itself for /openapi.yaml (the same document the running service serves).
 * test/http/openapi.test.ts fails when the checked-in file is stale.
 */
import { writeFile } from 'node:fs/promises';
import { createApp } from '../shared/http/app.js';
import { createRuntime } from '../shared/runtime/create-runtime.js';
import { createStorageClients } from '../shared/storage/clients.js';

// The spec needs routes, not storage: these clients are never called.
const runtime = createRuntime({ clients: createStorageClients({ region: 'us-east-1' }), table: 'unused', bucket: 'unused', rootKey: 'unused-root-key-for-the-spec' });
const res = await createApp(runtime).request('/openapi.yaml');
await writeFile(new URL('../openapi.yaml', import.meta.url), await res.text());
console.log('wrote openapi.yaml');

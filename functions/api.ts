import { handle } from 'hono/aws-lambda';
import { loadConfig } from '../shared/config.js';
import { createApp } from '../shared/http/app.js';
import { createLogContext } from '../shared/log/create-log-context.js';
import { createStorageClients } from '../shared/storage/clients.js';

// Module scope: created once per Lambda instance and reused by every invocation.
const config = loadConfig(process.env);
if (!config.rootKey) throw new Error('FRESHET_ROOT_KEY is not set');
const clients = createStorageClients({ region: config.region, dynamoEndpoint: config.dynamoEndpoint, s3Endpoint: config.s3Endpoint });
const log = createLogContext({ clients, table: config.table, bucket: config.bucket, commitBudgetMs: config.commitBudgetMs });

export const handler = handle(createApp({ log, rootKey: config.rootKey }));

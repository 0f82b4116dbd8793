/**
 * `npx tsx scripts/copy-table.ts --from <table> --to <table>`: copies every item of one
 * Freshet table into another, for a restore (docs/deploy.md, "Back up and restore"): a
 * point-in-time restore always makes a new table, and this moves its items into the table
 * of a deployment. Items are copied as they are (keys, heads, index entries, groups,
 * cursors, keys' hashes): object keys inside them name objects, not a bucket, so the
 * records are found in whichever bucket the deployment has, once the objects are copied there.
 * Region and endpoint come from the usual configuration (AWS_REGION, FRESHET_DYNAMODB_ENDPOINT).
 */
import { pathToFileURL } from 'node:url';
import { type DynamoDBDocumentClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../shared/config.js';
import { createStorageClients } from '../shared/storage/clients.js';
import { writeAll } from '../shared/storage/paginate.js';

/** Copies page by page (1 MB per Scan, 25 items per BatchWriteItem); answers the number of items. */
export async function copyTable(doc: DynamoDBDocumentClient, from: string, to: string): Promise<number> {
  let copied = 0;
  let start: Record<string, unknown> | undefined;
  do {
    // Consistent: the source is a restored table that nothing writes to.
    const page: ScanCommandOutput = await doc.send(new ScanCommand({ TableName: from, ExclusiveStartKey: start, ConsistentRead: true }));
    const items = page.Items ?? [];
    await writeAll(doc, to, items.map((Item) => ({ PutRequest: { Item } })));
    copied += items.length;
    start = page.LastEvaluatedKey;
  } while (start);
  return copied;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    const value = i >= 0 ? process.argv[i + 1] : undefined;
    if (!value) throw new Error(`usage: npx tsx scripts/copy-table.ts --from <restored table> --to <deployment's table>  (missing --${name})`);
    return value;
  };
  const [from, to] = [arg('from'), arg('to')];
  const config = loadConfig(process.env);
  const { doc } = createStorageClients({ region: config.region, dynamoEndpoint: config.dynamoEndpoint });
  console.log(`copied ${await copyTable(doc, from, to)} items from ${from} to ${to}`);
}

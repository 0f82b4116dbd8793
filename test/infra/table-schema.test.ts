import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ensureTable } from '../../shared/storage/provision.js';
import { emulatorClients } from '../support/test-stack.js';
import { synthFreshet } from './synth-stack.js';

interface KeyElement {
  AttributeName?: string | undefined;
  KeyType?: string | undefined;
}
interface Index {
  IndexName?: string | undefined;
  KeySchema?: KeyElement[] | undefined;
  Projection?: { ProjectionType?: string | undefined } | undefined;
}

const keys = (schema: KeyElement[] | undefined) => (schema ?? []).map((k) => `${k.KeyType}:${k.AttributeName}`);
const indexes = (list: Index[] | undefined) =>
  (list ?? []).map((i) => ({ name: i.IndexName, keys: keys(i.KeySchema), projection: i.Projection?.ProjectionType })).sort((a, b) => String(a.name).localeCompare(String(b.name)));
const attributes = (list: { AttributeName?: string | undefined; AttributeType?: string | undefined }[] | undefined) =>
  (list ?? []).map((a) => `${a.AttributeName}:${a.AttributeType}`).sort();

describe('the CDK table and the local table', () => {
  it('have the same keys, attributes, indexes, projections, stream and TTL', async () => {
    // Local mode and tests create the table with ensureTable; the stack declares it again in
    // CDK. Both are compared as DynamoDB itself reports them, so a change to one fails here.
    const clients = emulatorClients();
    const name = `freshet-schema-${randomUUID().slice(0, 8)}`;
    await ensureTable(clients, name);
    const local = (await clients.dynamo.send(new DescribeTableCommand({ TableName: name }))).Table!;
    const ttl = (await clients.dynamo.send(new DescribeTimeToLiveCommand({ TableName: name }))).TimeToLiveDescription;

    const { template } = synthFreshet();
    const cdk = Object.values(template.findResources('AWS::DynamoDB::Table'))[0]!.Properties as {
      KeySchema: KeyElement[];
      AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
      LocalSecondaryIndexes: Index[];
      GlobalSecondaryIndexes: Index[];
      StreamSpecification: { StreamViewType: string };
      TimeToLiveSpecification: { AttributeName: string; Enabled: boolean };
    };

    expect(keys(cdk.KeySchema)).toEqual(keys(local.KeySchema));
    expect(attributes(cdk.AttributeDefinitions)).toEqual(attributes(local.AttributeDefinitions));
    expect(indexes(cdk.LocalSecondaryIndexes)).toEqual(indexes(local.LocalSecondaryIndexes));
    // No LSI (offsets for times search the entries, docs/log.md): no 10 GB item-collection cap,
    // and no index copy of each entry in the commit's write units.
    expect(local.LocalSecondaryIndexes).toBeUndefined();
    expect(cdk.LocalSecondaryIndexes).toBeUndefined();
    expect(indexes(cdk.GlobalSecondaryIndexes)).toEqual(indexes(local.GlobalSecondaryIndexes));
    expect(cdk.StreamSpecification.StreamViewType).toBe(local.StreamSpecification?.StreamViewType);
    expect(cdk.TimeToLiveSpecification).toEqual({ AttributeName: ttl?.AttributeName, Enabled: true });
    expect(ttl?.TimeToLiveStatus).toMatch(/ENABL/);
  });
});

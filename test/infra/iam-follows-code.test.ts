import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../infra/bundling.js';
import { REPO_ROOT } from '../../infra/constructs/function.js';
import type { FreshetStack } from '../../infra/freshet-stack.js';
import { synthFreshet } from './synth-stack.js';

/**
 * The IAM action each SDK command needs, per client package. A command missing here fails
 * the test: map it (and grant it in infra/) rather than let the role drift from the code.
 */
const ACTIONS: Record<string, Record<string, string[]>> = {
  '@aws-sdk/lib-dynamodb': {
    Get: ['dynamodb:GetItem'],
    Put: ['dynamodb:PutItem'],
    Update: ['dynamodb:UpdateItem'],
    Delete: ['dynamodb:DeleteItem'],
    Query: ['dynamodb:Query'],
    Scan: ['dynamodb:Scan'],
    BatchGet: ['dynamodb:BatchGetItem'],
    BatchWrite: ['dynamodb:BatchWriteItem'],
    // Items inside a transaction are authorised one by one; see TRANSACT_ITEMS.
    TransactWrite: [],
    TransactGet: ['dynamodb:GetItem'],
  },
  '@aws-sdk/client-s3': {
    GetObject: ['s3:GetObject'],
    // S3 authorises HEAD as a read of the object.
    HeadObject: ['s3:GetObject'],
    PutObject: ['s3:PutObject'],
    DeleteObject: ['s3:DeleteObject'],
    DeleteObjects: ['s3:DeleteObject'],
    CopyObject: ['s3:GetObject', 's3:PutObject'],
    ListObjectsV2: ['s3:ListBucket'],
  },
  '@aws-sdk/client-secrets-manager': { GetSecretValue: ['secretsmanager:GetSecretValue'] },
};
const TRANSACT_ITEMS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** Sent by Lambda's event source mapping with the dispatcher's role, not by its code. */
const STREAM_AND_QUEUE = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:SendMessage',
];

/** The IAM actions the source files bundled into `entry` can send, read from their imports and `new …Command(` calls. */
async function actionsUsedBy(entry: string): Promise<{ actions: string[]; unmapped: string[] }> {
  const out = await build({ ...esbuildOptions(join(REPO_ROOT, entry), join(REPO_ROOT, 'unused')), write: false, metafile: true, logLevel: 'silent' });
  const sources = Object.keys(out.metafile.inputs).filter((f) => !f.includes('node_modules'));
  const actions = new Set<string>();
  const unmapped: string[] = [];
  for (const file of sources) {
    const text = await readFile(join(REPO_ROOT, file), 'utf8');
    const commandPackage = new Map<string, string>();
    for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/[^']+)'/g)) {
      for (const name of m[1]!.split(',').map((n) => n.trim().replace(/^type\s+/, ''))) commandPackage.set(name, m[2]!);
    }
    for (const m of text.matchAll(/new (\w+)Command\(/g)) {
      const pkg = commandPackage.get(`${m[1]}Command`) ?? '?';
      const needed = ACTIONS[pkg === '@aws-sdk/client-dynamodb' ? '@aws-sdk/lib-dynamodb' : pkg]?.[m[1]!.replace(/Item$/, '')];
      if (!needed) unmapped.push(`${file}: ${m[1]}Command from ${pkg}`);
      for (const a of needed ?? []) actions.add(a);
      if (m[1] === 'TransactWrite') for (const [kind, action] of Object.entries(TRANSACT_ITEMS)) if (new RegExp(`\\b${kind}: \\{`).test(text)) actions.add(action);
    }
  }
  return { actions: [...actions].sort(), unmapped };
}

describe('the function roles', () => {
  const functions = {
    api: (stack: FreshetStack) => stack.api.handler.role,
    dispatcher: (stack: FreshetStack) => stack.dispatcher.handler.role,
    maintenance: (stack: FreshetStack) => stack.maintenance.handler.role,
  };
  for (const [name, roleOf] of Object.entries(functions)) {
    it(`grant the ${name} function every action its bundled code sends, and nothing else`, async () => {
      const used = await actionsUsedBy(`functions/${name}.ts`);
      expect(used.unmapped).toEqual([]);

      const { stack, template } = synthFreshet();
      const role = { Ref: stack.getLogicalId(roleOf(stack).node.defaultChild as CfnElement) };
      const granted = new Set<string>();
      for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
        const { Roles, PolicyDocument } = policy.Properties as { Roles: unknown[]; PolicyDocument: { Statement: { Action: string | string[] }[] } };
        if (!Roles.some((r) => JSON.stringify(r) === JSON.stringify(role))) continue;
        for (const s of PolicyDocument.Statement) for (const a of [s.Action].flat()) granted.add(a);
      }
      // Beyond what the code sends: writing its own logs, DescribeSecret, which Secret.grantRead pairs with GetSecretValue,
      // and what Lambda itself does with the role for the dispatcher's event source: read the stream, send failures to the queue.
      const extra = (a: string) => a.startsWith('logs:') || a === 'secretsmanager:DescribeSecret' || (name === 'dispatcher' && STREAM_AND_QUEUE.includes(a));
      expect([...granted].filter((a) => !extra(a)).sort()).toEqual(used.actions);
    });
  }
});

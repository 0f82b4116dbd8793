import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { INDEX_LIST, LEGACY_INDEX_BY_TIME } from '../../shared/storage/keys.js';
import { BATCHES_PREFIX, OBJECT_PREFIXES, SEGMENTS_PREFIX } from '../../shared/storage/object-keys.js';
import { TABLE_ATTRIBUTES, TTL_ATTRIBUTE } from '../../shared/storage/provision.js';

export interface FreshetStorageProps {
  /**
   * Delete the bucket (with its objects) and the table when the stack is destroyed.
   * @default false — both are RETAINed: a `cdk destroy` never deletes records.
   */
  readonly destroyOnRemoval?: boolean;
  /**
   * Declare the `byTime` LSI that tables deployed before 2026-12 have, so an upgrade keeps
   * the table instead of replacing it (an LSI cannot be removed in place). Unused and empty
   * for new entries. @default false
   */
  readonly legacyTimeIndex?: boolean;
  /**
   * Days after which S3 aborts a multipart upload that was never completed.
   * @default 1 — a produce PUT lasts seconds; an upload older than a day was abandoned.
   */
  readonly abortIncompleteUploadsAfterDays?: number;
}

const ITEM_ACTIONS = ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem', 'BatchWriteItem'] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

type AttributeName = (typeof TABLE_ATTRIBUTES)[number]['AttributeName'];

/** An attribute of the local table definition (shared/storage/provision.ts), so names and types cannot drift. */
function attribute(name: AttributeName): { name: string; type: AttributeType } {
  const found = TABLE_ATTRIBUTES.find((a) => a.AttributeName === name)!;
  const types = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY } as const;
  return { name: found.AttributeName, type: types[found.AttributeType] };
}

/** The bucket of record batches and the table of heads, index entries, topics and idempotency records. */
export class FreshetStorage extends Construct {
  readonly bucket: Bucket;
  readonly table: Table;

  constructor(scope: Construct, id: string, props: FreshetStorageProps = {}) {
    super(scope, id);
    const destroy = props.destroyOnRemoval ?? false;
    const removalPolicy = destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // SSE-S3: free, no per-request KMS calls on every produce and ranged fetch, and no
      // $1/month customer key while idle. A KMS key adds value only with a key policy
      // that differs from the bucket's IAM policy, which this single-tenant bucket lacks.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // Off: objects are immutable and written once under unique keys, and retention and
      // orphan GC delete them on purpose; with versioning every deleted batch would stay
      // billed as a noncurrent version. The table (with PITR) is the source of truth.
      versioned: false,
      lifecycleRules: [
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(props.abortIncompleteUploadsAfterDays ?? 1) },
      ],
      removalPolicy,
      autoDeleteObjects: destroy,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the api function (and later the workers) touch this bucket, through IAM roles; API Gateway access logs record every request. Server access logs would need a second bucket and write a log object per produce/fetch.',
    });

    this.table = new Table(this, 'Table', {
      partitionKey: attribute('pk'),
      sortKey: attribute('sk'),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // NEW_IMAGE feeds the dispatcher (webhooks) with each new log entry.
      stream: StreamViewType.NEW_IMAGE,
      deletionProtection: !destroy,
      removalPolicy,
    });
    if (props.legacyTimeIndex) {
      this.table.addLocalSecondaryIndex({ indexName: LEGACY_INDEX_BY_TIME, sortKey: { name: 'timeKey', type: AttributeType.STRING }, projectionType: ProjectionType.KEYS_ONLY });
    }
    this.table.addGlobalSecondaryIndex({
      indexName: INDEX_LIST,
      partitionKey: attribute('listPk'),
      sortKey: attribute('listSk'),
      projectionType: ProjectionType.ALL,
    });
  }

  /** What functions need to find the storage. */
  get environment(): Record<string, string> {
    return { FRESHET_TABLE: this.table.tableName, FRESHET_BUCKET: this.bucket.bucketName };
  }

  /** Ranged reads of produced batches and compacted segments (fetch). */
  grantRecordsRead(grantee: IGrantable): Grant {
    return this.grantObjects(grantee, ['s3:GetObject'], [OBJECT_PREFIXES.batches, OBJECT_PREFIXES.segments]);
  }

  /** One PUT per produce request, under batches/ only: the api never writes segments. */
  grantBatchWrite(grantee: IGrantable): Grant {
    return this.grantObjects(grantee, ['s3:PutObject'], [OBJECT_PREFIXES.batches]);
  }

  /**
   * A maintenance pass: compaction writes segments, tiering rewrites them in place with a
   * colder class (CopyObject: read + write), orphan GC and topic deletion list and delete
   * objects, and replays produce batches; plus the same item operations as the api.
   * Listing is limited to the two prefixes by condition.
   */
  grantMaintenance(grantee: IGrantable): Grant {
    const objects = this.grantObjects(grantee, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [OBJECT_PREFIXES.batches, OBJECT_PREFIXES.segments]);
    const list = Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${BATCHES_PREFIX}*`, `${SEGMENTS_PREFIX}*`] } },
    });
    return objects.combine(list).combine(this.grantItemsReadWrite(grantee));
  }

  private grantObjects(grantee: IGrantable, actions: string[], prefixes: string[]): Grant {
    const grant = Grant.addToPrincipal({ grantee, actions, resourceArns: prefixes.map((p) => this.bucket.arnForObjects(`${p}/*`)) });
    // A prefix wildcard is the narrowest grant S3 allows here: object keys end in a ULID
    // minted per request. cdk-nag flags it on the grantee's policy, so it is acknowledged there.
    const principal = grantee.grantPrincipal;
    if (Construct.isConstruct(principal)) {
      const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
      for (const p of prefixes) {
        Validations.of(principal).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${p}/*]`,
          reason: `Objects under ${p}/ are named as they are written (topic, hour or offset, ULID), so no fixed ARN exists; the grant is limited to that prefix and to the object actions the grantee's code sends (test/infra/iam-follows-code.test.ts).`,
        });
      }
    }
    return grant;
  }

  /**
   * The item operations the api's code sends (test/infra/iam-follows-code.test.ts derives
   * them from the bundle), on the table and on its two indexes by name. TransactWriteItems
   * has no IAM action of its own: each item inside is authorised as PutItem, UpdateItem,
   * DeleteItem or ConditionCheckItem. No Scan, no stream, no table management.
   */
  grantItemsReadWrite(grantee: IGrantable): Grant {
    return this.grantItems(grantee, ITEM_ACTIONS);
  }

  /** Some of the item operations, for a grantee whose code sends fewer (the dispatcher never sends a ConditionCheck). */
  grantItems(grantee: IGrantable, actions: readonly ItemAction[]): Grant {
    const item = Grant.addToPrincipal({
      grantee,
      actions: actions.map((a) => `dynamodb:${a}`),
      resourceArns: [this.table.tableArn],
    });
    const indexes = Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: [`${this.table.tableArn}/index/${INDEX_LIST}`],
    });
    return item.combine(indexes);
  }
}

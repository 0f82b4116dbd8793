/**
 * The layering of Freshet (docs/architecture.md draws it), checked by `npm run layering`
 * in CI. From top to bottom:
 *
 *   functions/ (Lambda handlers, local mode)
 *     → shared/runtime/, config.ts, local/ (the composition root and what it reads)
 *     → shared/http/ (routes, auth, problem+json)
 *     → capabilities: shared/{topics,groups,subscriptions,maintenance,replays,keys}/
 *     → shared/log/ (produce, fetch, commit, the RecordBatch format)
 *     → shared/storage/ (DynamoDB and S3: the key layout and the stores)
 *     → shared/model/ and the kernel files shared/{errors,clock,metrics,logger,concurrency}.ts
 *
 * A layer may import any layer below it, never one above. Ports: a capability declares the
 * storage interface it needs (e.g. `LogStorage` in shared/log/log-storage.ts); the stores
 * in shared/storage/ satisfy it structurally, without importing it, and the composition
 * root (shared/runtime/) is where TypeScript checks that they do. The data shapes both sides name
 * (IndexEntry, PartitionHead, GroupMeta, …) live in shared/model/. So no exception for
 * type-only imports is needed: storage never imports upward, not even types.
 */
const KERNEL = '^shared/(errors|clock|metrics|logger|concurrency)\\.ts$';
const MODEL = '^shared/model/';
const STORAGE = '^shared/storage/';
const LOG = '^shared/log/';
const CAPABILITIES = '^shared/(topics|groups|subscriptions|maintenance|replays|keys)/';
const HTTP = '^shared/http/';
const COMPOSITION = '^shared/runtime/|^shared/config\\.ts$|^shared/local/';

/** A rule that forbids a layer to import the layers above it. */
const below = (name, comment, from, above) => ({ name, comment, severity: 'error', from: { path: from }, to: { path: above } });

/** What of shared/ the client bundles: the partitioner, the codec's node-free halves and the binary produce body's framing. */
const CLIENT_SHARED = 'log/(murmur2|partitioner|record-batch-decode|record-batch-encode|byte-reader|byte-writer|crc32c|lz4-frame|record-batches-body)|errors';

module.exports = {
  forbidden: [
    below('kernel-imports-nothing-above', 'errors, clock, metrics, logger and concurrency are the kernel: they may import only the model', KERNEL, [STORAGE, LOG, CAPABILITIES, HTTP, COMPOSITION]),
    below('model-is-the-bottom', 'shared/model holds plain types and rules; it imports nothing of Freshet but the kernel', MODEL, [STORAGE, LOG, CAPABILITIES, HTTP, COMPOSITION]),
    below('storage-implements-ports-without-importing-them', 'shared/storage may import only the model and the kernel; capability ports are satisfied structurally, checked in shared/runtime/', STORAGE, [LOG, CAPABILITIES, HTTP, COMPOSITION]),
    below('log-is-below-the-capabilities', 'shared/log may not import a capability, http or the composition root', LOG, [CAPABILITIES, HTTP, COMPOSITION]),
    below('capabilities-are-below-http', 'a capability never imports http (or hono) or the composition root', CAPABILITIES, [HTTP, COMPOSITION]),
    below('http-is-given-its-contexts', 'shared/http receives the contexts the composition root built; it never builds them', HTTP, [COMPOSITION]),
    {
      name: 'shared-never-imports-entry-points',
      comment: 'nothing in shared/ imports functions/, infra/, bench/, scripts/ or test/',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(functions|infra|bench|scripts|test)/' },
    },
    {
      name: 'domain-never-imports-hono',
      comment: 'only shared/http and the entry points speak HTTP',
      severity: 'error',
      from: { path: '^shared/', pathNot: `${HTTP}|${COMPOSITION}` },
      // Resolved into node_modules, or left as the bare name when an exports map is not followed.
      to: { path: '(^|/)node_modules/(hono|@hono/[^/]+)/|^(hono|@hono/[^/]+)(/|$)' },
    },
    {
      name: 'partitioner-runs-in-any-runtime',
      comment: 'the client imports the partitioner, the node-free halves of the codec (producing, direct reads) and the body framing: they may not use node: modules',
      severity: 'error',
      from: { path: `^shared/(${CLIENT_SHARED})\\.ts$` },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'client-core-is-web-standard',
      comment: 'the @freshet/client core runs in browsers and workers: no node: modules (its CLI and node/ helpers may)',
      severity: 'error',
      from: { path: '^client/src/', pathNot: '^client/src/(cli|node)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'client-core-shares-only-the-partitioner',
      comment: 'the client bundles the server\'s partitioner, the node-free halves of its codec (producing, direct reads) and the body framing, nothing else of shared/ (it speaks the API, not the storage)',
      severity: 'error',
      from: { path: '^client/src/' },
      to: { path: '^(shared|functions|infra|bench|scripts|test)/', pathNot: `^shared/(${CLIENT_SHARED})\\.ts$` },
    },
    {
      name: 'no-circular',
      comment: 'an import circle makes two modules one; split out what both need',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^cdk\\.out/' },
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    // Imports name the emitted `.js`; the sources are `.ts`.
    enhancedResolveOptions: { extensions: ['.ts', '.js'], exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

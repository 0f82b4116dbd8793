import { defineConfig } from 'vitest/config';

// The SDK warns on Node 20 about its 2027 support window; Lambda runs Node 22. Quiet it
// here (this file runs in the main process, where globalSetup creates clients) and in workers.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Pure code: the codec, partitioner, assignor and OpenAPI document. Runs without Java in seconds. */
const UNIT = [
  'test/bench/cost-model.test.ts',
  'test/groups/assignor.test.ts',
  'test/http/openapi.test.ts',
  'test/http/openapi-examples.test.ts',
  'test/http/route-groups.test.ts',
  'test/log/crc32c.test.ts',
  'test/log/kafkajs-interop.test.ts',
  'test/log/murmur2.test.ts',
  'test/log/record-batch-codec.test.ts',
  'test/log/record-batch-filter.test.ts',
  'test/subscriptions/cloudevents-payload.test.ts',
  'test/subscriptions/dispatcher-lambda.test.ts',
  'test/client/cli-config.test.ts',
  'test/client/idle-backoff.test.ts',
  'test/client/producer-batches.test.ts',
  'test/client/retry-reachable.test.ts',
  'test/config/config.test.ts',
];

/** Infra tests that run the bundled Lambda code or the table schema against the emulators. */
const INFRA_ON_EMULATORS = ['test/infra/api-bundle.test.ts', 'test/infra/dispatcher-bundle.test.ts', 'test/infra/table-schema.test.ts'];

/**
 * Four projects; `npm test` runs them all, `npm run test:unit` only the first.
 * - unit: pure code; no emulators, no Java.
 * - emulator: everything that stores, against DynamoDB Local and s3rver started once.
 * - browser: the console and /docs in headless Chromium (test/setup/browser.ts).
 * - infra: the CDK stack's synthesized template (cdk-nag, IAM, resources); its tests of the
 *   bundles and the table schema need the emulators, so they run in `emulator`.
 */
export default defineConfig({
  test: {
    setupFiles: ['test/support/capture-logs.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Storage tests share two emulator processes; two cores run two files at a time.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: UNIT,
          globalSetup: ['test/setup/logs.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'emulator',
          include: ['test/{client,contract,groups,http,local,log,maintenance,security,subscriptions}/**/*.test.ts', ...INFRA_ON_EMULATORS],
          exclude: UNIT,
          globalSetup: ['test/setup/logs.ts', 'test/setup/emulators.ts'],
        },
      },
      {
        extends: true,
        test: {
          // The console and /docs in headless Chromium, over HTTP, on their own emulators.
          name: 'browser',
          include: ['test/console/**/*.test.ts'],
          globalSetup: ['test/setup/logs.ts', 'test/setup/emulators.ts', 'test/setup/browser.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          exclude: INFRA_ON_EMULATORS,
          globalSetup: ['test/setup/logs.ts'],
        },
      },
    ],
  },
});

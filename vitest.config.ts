import { defineConfig } from 'vitest/config';

// The SDK warns on Node 20 about its 2027 support window; Lambda runs Node 22. Quiet it
// here (this file runs in the main process, where globalSetup creates clients) and in workers.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/support/capture-logs.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Storage tests share two emulator processes; two cores run two files at a time.
    maxWorkers: 2,
  },
});

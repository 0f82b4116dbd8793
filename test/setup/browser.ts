import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_PATH, chromiumInstalled } from '../support/chromium.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Whether the browser tests run: Chromium is installed (in CI it must be). */
    chromium: boolean;
  }
}

/**
 * The browser project's globalSetup: builds the console from its sources (so the tests never
 * see a stale console/dist), then checks for Chromium. Outside CI a machine without it skips
 * the browser tests with one line; in CI (CI=true) they are mandatory.
 */
export default function setup(project: TestProject): void {
  execFileSync(process.execPath, ['console/build.mjs'], { stdio: 'inherit' });
  const installed = chromiumInstalled();
  if (!installed) {
    const how = `no Chromium at ${CHROMIUM_PATH}; install it with \`apt-get install -y chromium\` (or set FRESHET_CHROMIUM)`;
    if (process.env.CI === 'true') throw new Error(`browser tests are mandatory in CI: ${how}`);
    console.warn(`browser tests skipped: ${how}`);
  }
  project.provide('chromium', installed);
}

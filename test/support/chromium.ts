import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); FRESHET_CHROMIUM names another build. */
export const CHROMIUM_PATH = process.env.FRESHET_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumInstalled = () => existsSync(CHROMIUM_PATH);

/**
 * Headless Chromium for the console's tests. Without the background-networking flags it
 * keeps trying Google's hosts, which this machine's closed network refuses, many at a time.
 * Playwright gives every launch a fresh temporary profile (its own --user-data-dir).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

import { fetchLambdaNative, LAMBDA_NATIVE_PACKAGES } from './native-modules.js';

/**
 * `npm ci` runs this (the `prepare` script): Lambda's native binaries into the cache that
 * synth copies from (infra/native-modules.ts). Without the registry it says so and stops
 * short of failing the install: synth fetches again, or fails naming what is missing.
 */
for (const name of LAMBDA_NATIVE_PACKAGES) {
  try {
    await fetchLambdaNative(name);
  } catch (err) {
    console.warn(`could not fetch ${name} for the Lambda bundles: ${(err as Error).message.split('\n')[0]}`);
  }
}

import { createRequire } from 'node:module';
import { accelerateCrc32c } from './crc32c.js';

/**
 * The server's CRC-32C: @node-rs/crc32, which uses the CPU's CRC-32C instructions (SSE 4.2
 * on x64, the ARMv8 CRC extension on Lambda's arm64). Measured on this machine
 * (docs/benchmarks.md, "CRC-32C"): 7.7 GB/s against 2.2 GB/s for the JS slice-by-16
 * (crc32c.ts); a 1 MiB produce checks its batch in 0.13 ms instead of 0.46. Every produce
 * body is checked whole, so this is the largest cost the server adds to a big produce.
 *
 * The platform's binary package is loaded directly, at run time: esbuild cannot inline a
 * .node file, and @node-rs/crc32's own loader may spawn `ldd` or build a diagnostic report
 * to tell glibc from musl, which a cold start should not pay. Lambda is linux-arm64 with
 * glibc; the api, dispatcher and maintenance bundles carry that binary beside their code
 * (infra/native-modules.ts). Where it does not load (another platform, musl, a broken
 * file) the JS code runs: the same function, slower. Either way it is checked against the
 * JS code before use (accelerateCrc32c).
 */
export function useNativeCrc32c(): { native: boolean; reason?: string } {
  if (state) return state;
  const name = nativeCrc32Package(process.platform, process.arch);
  try {
    const { crc32c } = createRequire(import.meta.url)(name) as { crc32c: (data: Uint8Array, initial?: number) => number };
    state = accelerateCrc32c(crc32c) ? { native: true } : { native: false, reason: `${name} computed another function than CRC-32C` };
  } catch (err) {
    state = { native: false, reason: `${name} did not load: ${(err as Error).message.split('\n')[0]}` };
  }
  return state;
}

/** @node-rs/crc32's binary package for a platform, as npm names them (Linux: the glibc build). */
export function nativeCrc32Package(platform: string, arch: string): string {
  const abi = platform === 'linux' ? '-gnu' : platform === 'win32' ? '-msvc' : '';
  return `@node-rs/crc32-${platform}-${arch}${abi}`;
}

let state: { native: boolean; reason?: string } | undefined;

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nativeCrc32Package } from '../shared/log/crc32c-native.js';

const REPO_ROOT = resolve(import.meta.dirname, '..');

/**
 * The native code the functions load at run time, for Lambda's platform (linux-arm64,
 * glibc): @node-rs/crc32's binary (shared/log/crc32c-native.ts). npm installs only the
 * binary of the machine it runs on, so Lambda's is fetched from the registry on its own:
 * the version and integrity package-lock.json pins for it (the lock lists every platform's
 * binary as an optional dependency of @node-rs/crc32), into a cache under node_modules.
 * `npm ci` fetches it (the `prepare` script runs infra/fetch-natives.ts); synth then only
 * copies it, offline.
 */
export const LAMBDA_NATIVE_PACKAGES = [nativeCrc32Package('linux', 'arm64')] as const;

const CACHE = join(REPO_ROOT, 'node_modules/.cache/freshet-lambda-natives');

interface LockedPackage {
  version: string;
  integrity: string;
}

async function locked(name: string): Promise<LockedPackage> {
  const lock = JSON.parse(await readFile(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Partial<LockedPackage>> };
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry?.version || !entry.integrity) throw new Error(`package-lock.json pins no version and integrity for ${name}`);
  return { version: entry.version, integrity: entry.integrity };
}

/** The unpacked package, fetched (`npm pack`, through npm's cache) unless the cache holds the locked one; its integrity must be the lock's. */
export async function fetchLambdaNative(name: string): Promise<string> {
  const { version, integrity } = await locked(name);
  const dir = join(CACHE, name);
  const stamp = join(dir, '.integrity');
  if (existsSync(stamp) && (await readFile(stamp, 'utf8')) === integrity) return dir;
  const download = await mkdtemp(join(tmpdir(), 'freshet-native-'));
  try {
    const out = execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', download, '--json', '--prefer-offline'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [packed] = JSON.parse(out) as { filename: string; integrity: string }[];
    if (!packed || packed.integrity !== integrity) throw new Error(`${name}@${version} from the registry has integrity ${packed?.integrity}; package-lock.json says ${integrity}`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    execFileSync('tar', ['-xzf', join(download, packed.filename), '-C', dir, '--strip-components=1']);
    await writeFile(stamp, integrity);
    return dir;
  } finally {
    await rm(download, { recursive: true, force: true });
  }
}

/** Copies Lambda's native packages into a function's bundle as `node_modules/<name>`, where the bundle's run-time require finds them. */
export async function copyLambdaNatives(outdir: string): Promise<void> {
  for (const name of LAMBDA_NATIVE_PACKAGES) {
    await copyPackage(await fetchLambdaNative(name), join(outdir, 'node_modules', name));
  }
}

/** A binary package's manifest and its `main` (the .node file): all a run-time require needs. */
async function copyPackage(from: string, to: string): Promise<void> {
  const manifest = JSON.parse(await readFile(join(from, 'package.json'), 'utf8')) as { main: string };
  await mkdir(to, { recursive: true });
  for (const file of ['package.json', manifest.main]) await copyFile(join(from, file), join(to, file));
}

/**
 * This machine's own binary of each native package, from node_modules, into a bundle's
 * node_modules: for a bundle run here as Lambda runs its own (the bench's cold starts).
 */
export async function copyHostNatives(outdir: string): Promise<void> {
  const name = nativeCrc32Package(process.platform, process.arch);
  const from = join(REPO_ROOT, 'node_modules', name);
  if (existsSync(from)) await copyPackage(from, join(outdir, 'node_modules', name));
}

import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

const METADATA_SUFFIX = '._S3rver_metadata.json';
const OBJECT_SUFFIX = '._S3rver_object';
const MD5_SUFFIX = '._S3rver_object.md5';

/**
 * s3rver writes an object's metadata with a plain truncate-then-write, so a kill in between
 * leaves a zero-byte (or cut-off) `*._S3rver_metadata.json`, and every later read of that
 * object, or a listing that includes it, answers 500. The same goes for the `.md5` file
 * beside it. A copy onto itself (our tiering) rewrites only the metadata, so this can hit
 * an object that was committed long ago.
 *
 * Before s3rver starts, each such file is moved to `setAsideDir` (kept for inspection) and,
 * when the object itself is there, replaced by minimal metadata so the object stays
 * readable: our readers need only its bytes. A torn `.md5` is simply set aside; s3rver
 * recomputes it from the object. Returns one line per repair, for stderr.
 */
export async function repairS3rverDirectory(directory: string, setAsideDir: string): Promise<string[]> {
  const repairs: string[] = [];
  for (const file of await walk(directory)) {
    if (file.endsWith(METADATA_SUFFIX)) {
      if (await parsesAsJson(file)) continue;
      await setAside(file, directory, setAsideDir);
      const object = file.slice(0, -METADATA_SUFFIX.length) + OBJECT_SUFFIX;
      const objectThere = await exists(object);
      if (objectThere) await writeFile(file, JSON.stringify({ 'content-type': 'application/octet-stream' }));
      repairs.push(`torn s3rver metadata ${relative(directory, file)} set aside in ${setAsideDir}${objectThere ? '; replaced by minimal metadata' : ' (no object beside it)'}`);
    } else if (file.endsWith(MD5_SUFFIX)) {
      const text = await readFile(file, 'utf8');
      if (/^[0-9a-f]{32}$/.test(text)) continue;
      await setAside(file, directory, setAsideDir);
      repairs.push(`torn s3rver checksum ${relative(directory, file)} set aside in ${setAsideDir} (s3rver recomputes it)`);
    }
  }
  return repairs;
}

async function walk(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

async function parsesAsJson(file: string): Promise<boolean> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return parsed !== null && typeof parsed === 'object';
  } catch {
    return false;
  }
}

async function setAside(file: string, root: string, setAsideDir: string): Promise<void> {
  const target = join(setAsideDir, `${relative(root, file)}.${Date.now()}`);
  await mkdir(dirname(target), { recursive: true });
  await rename(file, target);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

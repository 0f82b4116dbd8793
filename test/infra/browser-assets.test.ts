import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiBrowserAssets, copyApiBrowserAssets } from '../../infra/bundling.js';
import { servedFiles } from '../../shared/http/static-assets.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("the api bundle's browser assets", () => {
  it("are every file /console and /docs serve, copied next to the bundle by the stack's build (infra/build-function.ts)", async () => {
    const out = join(await mkdtemp(join(tmpdir(), "freshet assets '")), 'asset');
    dirs.push(out.slice(0, out.lastIndexOf('/')));
    await copyApiBrowserAssets(out);
    const files = servedFiles();
    expect(files.console).toEqual(expect.arrayContaining(['index.html', 'console.js', 'console.css', 'docs.html', 'docs.js']));
    expect(files.swaggerUi).toEqual(['swagger-ui-bundle.js', 'swagger-ui.css']);
    expect((await readdir(join(out, 'static', 'console'))).sort()).toEqual([...files.console].sort());
    expect((await readdir(join(out, 'static', 'swagger-ui'))).sort()).toEqual([...files.swaggerUi].sort());
    // Buffer.equals: a deep toEqual over Swagger UI's 1.7 MB takes seconds.
    for (const asset of apiBrowserAssets(out)) expect((await readFile(asset.to)).equals(await readFile(asset.from)), asset.to).toBe(true);
  });
});

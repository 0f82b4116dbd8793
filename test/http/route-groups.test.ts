import { describe, expect, it } from 'vitest';
import { routePattern } from '../../shared/http/allowed-methods.js';
import { Hono } from 'hono';
import { TrieRouter } from 'hono/router/trie-router';
import { createApp } from '../../shared/http/app.js';
import { lazyRouteGroups } from '../../shared/http/lazy-route-groups.js';
import { openApiApp } from '../../shared/http/openapi-app.js';
import { ROUTE_GROUPS } from '../../shared/http/route-groups.js';
import { createRuntime } from '../../shared/runtime/create-runtime.js';
import { createStorageClients } from '../../shared/storage/clients.js';

// Routes only: nothing here touches storage (every request below is refused before it would).
const runtime = () => createRuntime({ clients: createStorageClients({ region: 'us-east-1' }), table: 'unused', bucket: 'unused', rootKey: 'unused-root-key-for-the-routes' });

async function registeredPaths(group: (typeof ROUTE_GROUPS)[number]): Promise<string[]> {
  const app = openApiApp();
  await group.register(app, runtime());
  return [...new Set(app.routes.map((r) => r.path))].sort();
}

describe('route groups', () => {
  it('list the paths each group registers, so that a request loads the group that answers it', async () => {
    for (const group of ROUTE_GROUPS) expect(await registeredPaths(group), group.name).toEqual([...group.paths].sort());
  });

  it('share no path: a request needs one group, and the order they load in changes nothing', async () => {
    for (const group of ROUTE_GROUPS) {
      for (const path of group.paths) {
        const concrete = path.replaceAll(/:[^/]+/g, 'x');
        const claiming = ROUTE_GROUPS.filter((g) => g.paths.some((p) => routePattern(p).test(concrete))).map((g) => g.name);
        expect(claiming, path).toEqual([group.name]);
      }
    }
  });

  it('are registered on the first request for one of their paths, not when the app is created', async () => {
    const app = createApp(runtime());
    const groupPaths = () => [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => r.path))].filter((p) => p.startsWith('/v1/') && p !== '/v1/health');
    expect(groupPaths()).toEqual([]);

    // Refused (no key), but routed: the records group is registered first, and only it.
    expect((await app.request('/v1/topics/orders/records', { method: 'POST' })).status).toBe(401);
    const records = ROUTE_GROUPS.find((g) => g.name === 'records')!;
    expect(groupPaths().sort()).toEqual([...records.paths].sort());

    // A method the path does not answer is still a 405 naming the ones it does, on the group's first request.
    const res = await app.request('/v1/topics/orders/schema', { method: 'POST', headers: { authorization: 'Bearer unused-root-key-for-the-routes' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, PUT');
  });

  it('try a group that failed to load again on its next request', async () => {
    const app = new Hono({ router: new TrieRouter() });
    let attempts = 0;
    const flaky = {
      name: 'flaky',
      paths: ['/v1/flaky'],
      register: async (groupApp: ReturnType<typeof openApiApp>) => {
        if (++attempts === 1) throw new Error('chunk not found');
        groupApp.get('/v1/flaky', (c) => c.text('here'));
      },
    };
    const groups = lazyRouteGroups(app, runtime(), [flaky]);
    expect(groups.load('/v1/other')).toBeUndefined();
    await expect(groups.load('/v1/flaky')).rejects.toThrow('chunk not found');
    await groups.load('/v1/flaky');
    expect(groups.load('/v1/flaky')).toBeUndefined();
    expect(await (await app.request('/v1/flaky')).text()).toBe('here');
    expect(attempts).toBe(2);
  });
});

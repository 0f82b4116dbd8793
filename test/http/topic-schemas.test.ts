import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_CACHE_TTL_MS } from '../../shared/log/schema-cache.js';
import { COMPATIBILITY_MODES, type CompatibilityMode } from '../../shared/model/topic-schema.js';
import { testApi } from '../support/http.js';
import { ManualClock } from '../support/manual-clock.js';
import { createApp } from '../../shared/http/app.js';
import { createRuntime } from '../../shared/runtime/create-runtime.js';
import { createTestStack, ROOT_KEY, type TestStack } from '../support/test-stack.js';

let stack: TestStack;
const clock = new ManualClock();
const { call, createTopic, produce, fetchRecords } = testApi(() => stack);

beforeAll(async () => {
  stack = await createTestStack({ clock });
});

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });
const str = { type: 'string' };

/**
 * Schema changes and whether they are backward compatible (the new schema reads what the
 * old accepted) and forward compatible (the old reads what the new accepts), as
 * Confluent's registry judges JSON Schema. Every mode's verdict follows from the two.
 */
const CHANGES: { change: string; from: unknown; to: unknown; backward: boolean; forward: boolean }[] = [
  { change: 'add an optional property (open content model)', from: obj({ a: str }), to: obj({ a: str, b: str }), backward: false, forward: true },
  { change: 'add an optional property (closed content model)', from: obj({ a: str }, { additionalProperties: false }), to: obj({ a: str, b: str }, { additionalProperties: false }), backward: true, forward: false },
  { change: 'add a required property', from: obj({ a: str }), to: obj({ a: str, b: str }, { required: ['b'] }), backward: false, forward: true },
  { change: 'remove a required property (open)', from: obj({ a: str, b: str }, { required: ['a', 'b'] }), to: obj({ a: str }, { required: ['a'] }), backward: true, forward: false },
  { change: 'make an optional property required', from: obj({ a: str }), to: obj({ a: str }, { required: ['a'] }), backward: false, forward: true },
  { change: 'make a required property optional', from: obj({ a: str }, { required: ['a'] }), to: obj({ a: str }), backward: true, forward: false },
  { change: 'narrow a type (number → integer)', from: obj({ n: { type: 'number' } }), to: obj({ n: { type: 'integer' } }), backward: false, forward: true },
  { change: 'widen a type (integer → number)', from: obj({ n: { type: 'integer' } }), to: obj({ n: { type: 'number' } }), backward: true, forward: false },
  { change: 'make a property nullable (type array)', from: obj({ a: str }), to: obj({ a: { type: ['string', 'null'] } }), backward: true, forward: false },
  { change: 'change a type (string → number)', from: obj({ a: str }), to: obj({ a: { type: 'number' } }), backward: false, forward: false },
  { change: 'add an enum value', from: { enum: ['red', 'green'] }, to: { enum: ['red', 'green', 'blue'] }, backward: true, forward: false },
  { change: 'remove an enum value', from: { enum: ['red', 'green'] }, to: { enum: ['red'] }, backward: false, forward: true },
  { change: 'raise a maximum', from: { type: 'integer', maximum: 10 }, to: { type: 'integer', maximum: 100 }, backward: true, forward: false },
  { change: 'add a minLength', from: str, to: { type: 'string', minLength: 1 }, backward: false, forward: true },
  { change: 'narrow array items (number → integer)', from: { type: 'array', items: { type: 'number' } }, to: { type: 'array', items: { type: 'integer' } }, backward: false, forward: true },
  { change: 'change only a description', from: { ...str, description: 'old' }, to: { ...str, description: 'new' }, backward: true, forward: true },
  { change: 'keep an unsupported keyword (oneOf) unchanged', from: { oneOf: [str, { type: 'number' }], title: 'a' }, to: { oneOf: [str, { type: 'number' }], title: 'b' }, backward: true, forward: true },
  { change: 'change an unsupported keyword (oneOf)', from: { oneOf: [str, { type: 'number' }] }, to: { oneOf: [str, { type: 'boolean' }] }, backward: false, forward: false },
];

function verdict(mode: CompatibilityMode, backward: boolean, forward: boolean): boolean {
  if (mode === 'none') return true;
  if (mode.startsWith('backward')) return backward;
  if (mode.startsWith('forward')) return forward;
  return backward && forward;
}

const put = (topic: string, schema: unknown, compatibility?: CompatibilityMode) =>
  call<Record<string, unknown>>('PUT', `/v1/topics/${topic}/schema`, { schema, ...(compatibility ? { compatibility } : {}) });

describe('topic schemas', () => {
  it(`judges ${CHANGES.length} schema changes under every compatibility mode`, async () => {
    let n = 0;
    const wrong: string[] = [];
    await Promise.all(
      CHANGES.flatMap((row) =>
        COMPATIBILITY_MODES.map(async (mode) => {
          const topic = `evo-${n++}`;
          await createTopic(topic, 1);
          expect((await put(topic, row.from, mode)).status).toBe(201);
          const res = await put(topic, row.to, mode);
          const expected = verdict(mode, row.backward, row.forward);
          if ((res.status === 201) !== expected) wrong.push(`${row.change} under ${mode}: expected ${expected ? 201 : 409}, got ${res.status} ${JSON.stringify(res.body)}`);
          if (!expected) {
            expect(res.body).toMatchObject({ code: 'INCOMPATIBLE_SCHEMA', compatibility: mode });
            expect((res.body.incompatibilities as unknown[]).length).toBeGreaterThan(0);
          }
        }),
      ),
    );
    expect(wrong).toEqual([]);
  });

  it('checks _transitive modes against every earlier version, the others against the latest only', async () => {
    // v1 string, then v2 number registered under 'none'; v3 is compatible with v2 but not with v1.
    const chains = [
      { v3: { type: ['number', 'null'] }, accepted: ['none', 'backward'] },
      { v3: { type: 'integer' }, accepted: ['none', 'forward'] },
    ];
    for (const [i, chain] of chains.entries()) {
      for (const mode of COMPATIBILITY_MODES) {
        const topic = `chain-${i}-${mode}`;
        await createTopic(topic, 1);
        expect((await put(topic, str, 'none')).status).toBe(201);
        expect((await put(topic, { type: 'number' }, 'none')).status).toBe(201);
        const res = await put(topic, chain.v3, mode);
        expect({ mode, status: res.status }).toEqual({ mode, status: chain.accepted.includes(mode) ? 201 : 409 });
        if (res.status === 409) expect(res.body.incompatibilities).toEqual(expect.arrayContaining([expect.objectContaining({ version: mode.endsWith('_transitive') ? 1 : 2 })]));
      }
    }
  });

  it('names each incompatibility with its version, direction and pointer', async () => {
    await createTopic('named', 1);
    await put('named', obj({ id: str, n: { type: 'integer', minimum: 0 } }, { required: ['id'], additionalProperties: false }), 'full');
    const res = await put('named', obj({ id: { type: 'integer' }, n: { type: 'integer', minimum: 5 }, extra: str }, { required: ['id', 'extra'], additionalProperties: false }));
    expect(res.status).toBe(409);
    const pointers = (res.body.incompatibilities as { pointer: string; direction: string; version: number }[]).map((i) => `${i.direction} ${i.pointer}`);
    expect(pointers).toEqual(expect.arrayContaining(['backward /id', 'backward /n', 'backward /extra', 'forward /id', 'forward /extra']));
  });

  it('answers versions, the latest, one version; the same schema again is not a new version; a bad schema is a 422', async () => {
    await createTopic('versions', 1);
    expect((await call('GET', '/v1/topics/versions/schema')).status).toBe(404);
    const v1 = await put('versions', obj({ a: str }));
    expect(v1.body).toMatchObject({ version: 1, compatibility: 'backward' });
    expect((await put('versions', obj({ a: str }))).status).toBe(200);
    expect((await put('versions', obj({ a: str, b: true }))).body).toMatchObject({ version: 2 });
    expect((await call('GET', '/v1/topics/versions/schema')).body).toMatchObject({ version: 2, schema: obj({ a: str, b: true }) });
    expect((await call<{ versions: { version: number }[] }>('GET', '/v1/topics/versions/schema/versions')).body.versions.map((v) => v.version)).toEqual([1, 2]);
    expect((await call('GET', '/v1/topics/versions/schema/versions/1')).body).toMatchObject({ version: 1, schema: obj({ a: str }) });
    expect((await call('GET', '/v1/topics/versions/schema/versions/3')).status).toBe(404);
    expect((await put('versions', { type: 'object', requird: ['a'] })).body).toMatchObject({ code: 'INVALID_SCHEMA' });
    expect((await put('versions', { type: 'strin' })).status).toBe(422);
    expect((await call('PUT', '/v1/topics/versions/schema', { schema: obj({}), compatibility: 'sideways' })).status).toBe(400);
    expect((await call('PUT', '/v1/topics/no-such-topic/schema', { schema: str })).status).toBe(404);
  });

  it('validates every record before anything is written: 422 with record index, JSON pointer and rule', async () => {
    await createTopic('orders', 2);
    const before = await produce('orders', { records: [{ value: { anything: true } }] });
    expect(before.status).toBe(200);
    await put('orders', obj({ id: str, qty: { type: 'integer', minimum: 1 } }, { required: ['id', 'qty'] }));
    const hw = async () => (await fetchRecords('orders', 0)).json.highWatermark + (await fetchRecords('orders', 1)).json.highWatermark;
    const written = await hw();

    const bad = await produce('orders', {
      records: [
        { value: { id: 'a', qty: 1 }, partition: 0 },
        { value: { id: 'b', qty: 0 }, partition: 1 },
        { value: { id: 7, qty: 2 }, partition: 0 },
        { value: { qty: 2 }, partition: 0 },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.json).toMatchObject({
      code: 'SCHEMA_VIOLATION',
      schemaVersion: 1,
      records: 3,
      violations: [
        { index: 1, pointer: '/qty', keyword: 'minimum' },
        { index: 2, pointer: '/id', keyword: 'type' },
        { index: 3, pointer: '', keyword: 'required' },
      ],
    });
    expect(await hw()).toBe(written);
    // string / base64 values are parsed as JSON and validated the same way.
    const asString = await produce('orders', { encoding: 'string', records: [{ value: '{"id":"s","qty":1}' }, { value: 'not json' }] });
    expect(asString.json).toMatchObject({ code: 'SCHEMA_VIOLATION', violations: [{ index: 1, keyword: 'json' }] });
    expect(await hw()).toBe(written);

    // Valid records are stored with the schema version in a header, and fetch returns it; tombstones pass.
    const good = await produce('orders', { records: [{ value: { id: 'c', qty: 3 }, partition: 1, headers: { 'freshet-schema-version': '99' } }, { key: 'k', value: null, partition: 1 }] });
    expect(good.status).toBe(200);
    const fetched = await fetchRecords('orders', 1, `?offset=${good.json.offsets[0]!.offset}`);
    expect(fetched.json.records[0]!.headers).toEqual({ 'freshet-schema-version': '1' });
    expect(fetched.json.records[1]!.value).toBeNull();
  });

  it('a deleted and re-created topic starts without a schema, and maintenance removes the old versions', async () => {
    await createTopic('reborn', 1);
    await put('reborn', { type: 'object' });
    const old = (await call<{ topicId: string }>('GET', '/v1/topics/reborn')).body.topicId;
    expect((await call('DELETE', '/v1/topics/reborn')).status).toBe(204);
    await createTopic('reborn', 1);
    expect((await call('GET', '/v1/topics/reborn/schema')).status).toBe(404);
    expect((await produce('reborn', { records: [{ value: 'free text again' }] })).status).toBe(200);
    expect(await stack.log.schemas.store.list('reborn', old)).toHaveLength(1);
    expect((await call('POST', '/v1/maintenance/run')).status).toBe(200);
    expect(await stack.log.schemas.store.list('reborn', old)).toEqual([]);
  });

  it('enforces a version registered through another process within the cache bound', async () => {
    await createTopic('stale', 1);
    // A second app on the same table stands for another Lambda instance.
    const second = createApp(createRuntime({ clients: stack.clients, table: stack.table, bucket: stack.bucket, rootKey: ROOT_KEY, clock }));
    const produceOnSecond = async (value: unknown) =>
      (
        await second.request('/v1/topics/stale/records', {
          method: 'POST',
          headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ records: [{ value }] }),
        })
      ).status;
    expect(await produceOnSecond('free text')).toBe(200); // caches "no schema"
    await put('stale', { type: 'object' });
    expect(await produce('stale', { records: [{ value: 'free text' }] }).then((r) => r.status)).toBe(422); // the registering process: at once
    clock.advance(SCHEMA_CACHE_TTL_MS);
    expect(await produceOnSecond('free text')).toBe(422); // the other one: within the bound
  });
});

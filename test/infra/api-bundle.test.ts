import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { APIGatewayProxyResult, LambdaEvent } from 'hono/aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildFunction } from '../../infra/bundling.js';
import { REPO_ROOT } from '../../infra/constructs/function.js';
import { encodeRecordBatch } from '../../shared/log/record-batch-codec.js';
import { frameRecordBatches, RECORD_BATCHES_MEDIA_TYPE } from '../../shared/log/record-batches-body.js';
import { ensureBucket, ensureTable } from '../../shared/storage/provision.js';
import { emulatorClients } from '../support/test-stack.js';

const ROOT_KEY = `bundle-${randomUUID()}`;
const SECRET_KEY = `secret-${randomUUID()}`;
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:FreshetRootKey-AbCdEf';

/** An API Gateway HTTP API (payload format 2.0) event, shaped like the ones Lambda receives. */
function httpEvent(method: string, path: string, options: { body?: unknown; key?: string; query?: string; base64?: boolean; bytes?: { body: Uint8Array; contentType: string } } = {}): LambdaEvent {
  if (options.bytes) {
    // A binary body (the client's RecordBatches): API Gateway passes it base64-encoded.
    const event = httpEvent(method, path, { ...options, bytes: undefined, body: '' }) as { headers: Record<string, string>; body: string | null; isBase64Encoded: boolean };
    event.headers['content-type'] = options.bytes.contentType;
    event.headers['content-length'] = String(options.bytes.body.length);
    event.body = Buffer.from(options.bytes.body).toString('base64');
    event.isBase64Encoded = true;
    return event as unknown as LambdaEvent;
  }
  const text = options.body === undefined ? null : JSON.stringify(options.body);
  const query = options.query ?? '';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    headers: {
      accept: '*/*',
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      'user-agent': 'curl/8.5.0',
      'x-amzn-trace-id': 'Root=1-6740c3a1-0a1b2c3d4e5f60718293a4b5',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...(text !== null ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) } : {}),
    },
    ...(query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(query)) } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authentication: null,
      authorizer: {},
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: `${randomUUID().slice(0, 14)}=`,
      routeKey: '$default',
      stage: '$default',
      time: '21/Nov/2026:22:00:00 +0000',
      timeEpoch: Date.now(),
    },
    // API Gateway base64-encodes bodies it considers binary; the adapter must decode both forms.
    body: text === null ? null : options.base64 ? Buffer.from(text).toString('base64') : text,
    isBase64Encoded: text !== null && options.base64 === true,
  };
}

/**
 * A Lambda Function URL event (`freshet:apiEndpoint=functionUrl`): payload format 2.0 like the
 * HTTP API's, but with the URL's host, a UUID request id, `accountId: 'anonymous'` and no
 * authorizer (auth type NONE), `x-amzn-tls-*` headers, and null path parameters and stage variables.
 */
function functionUrlEvent(method: string, path: string, options: { body?: unknown; key?: string; query?: string; base64?: boolean } = {}): LambdaEvent {
  const text = options.body === undefined ? null : JSON.stringify(options.body);
  const query = options.query ?? '';
  const host = 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6.lambda-url.us-east-1.on.aws';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    headers: {
      accept: '*/*',
      host,
      'user-agent': 'freshet-client/0.1',
      'x-amzn-tls-cipher-suite': 'TLS_AES_128_GCM_SHA256',
      'x-amzn-tls-version': 'TLSv1.3',
      'x-amzn-trace-id': 'Root=1-6740c3a1-0a1b2c3d4e5f60718293a4b5',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...(text !== null ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) } : {}),
    },
    ...(query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(query)) } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6',
      authentication: null,
      domainName: host,
      domainPrefix: 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'freshet-client/0.1' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: '01/Dec/2026:06:00:00 +0000',
      timeEpoch: Date.now(),
    },
    pathParameters: null,
    stageVariables: null,
    body: text === null ? null : options.base64 ? Buffer.from(text).toString('base64') : text,
    isBase64Encoded: text !== null && options.base64 === true,
  } as unknown as LambdaEvent;
}

const json = (res: APIGatewayProxyResult) => JSON.parse(res.body) as Record<string, unknown>;

/**
 * Runs in a worker thread, which stands for one Lambda instance: Node's own ESM loader
 * imports the bundle (vitest's module transform never touches it), with the worker's own
 * environment, and invokes `handler` with the events it is sent, as the runtime would.
 */
const INSTANCE = `
import { parentPort, workerData } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
const { handler } = await import(workerData.bundle);
parentPort.on('message', async ({ id, event }) => {
  const name = 'Freshet-ApiHandlerFunction426EBE6D-x1y2z3';
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:' + name,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/' + name,
    logStreamName: '2026/11/21/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 29000,
  };
  try {
    parentPort.postMessage({ id, result: await handler(event, context) });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.stack || err) });
  }
});
parentPort.postMessage({ ready: true });
`;

interface Instance {
  invoke(event: LambdaEvent): Promise<APIGatewayProxyResult>;
  /** What the instance wrote to stdout and stderr so far (its CloudWatch log stream). */
  output(): string;
  stop(): Promise<number>;
}

let dir: string;
let bundle: string;
const instances: Instance[] = [];

/** A cold start: a fresh instance that imports the bundle with exactly `env` as its environment. */
async function coldStart(env: Record<string, string>): Promise<Instance> {
  const worker = new Worker(join(dir, 'instance.mjs'), { env, workerData: { bundle: pathToFileURL(bundle).href }, stdout: true, stderr: true });
  let output = '';
  for (const stream of [worker.stdout, worker.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const pending = new Map<number, { resolve: (r: APIGatewayProxyResult) => void; reject: (e: Error) => void }>();
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: { ready?: true; id?: number; result?: APIGatewayProxyResult; error?: string }) => {
      if (m.ready) return resolve();
      const call = pending.get(m.id!)!;
      pending.delete(m.id!);
      if (m.error) call.reject(new Error(m.error));
      else call.resolve(m.result!);
    });
  });
  const instance: Instance = {
    invoke: (event) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, event });
      }),
    output: () => output,
    stop: () => worker.terminate(),
  };
  instances.push(instance);
  return instance;
}

let storageEnv: Record<string, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'freshet-bundle-'));
  bundle = join(dir, 'index.mjs');
  // Exactly what the stack deploys (infra/build-function.ts): the bundle, its chunks and the browser assets.
  await buildFunction(join(REPO_ROOT, 'functions/api.ts'), dir, { browserAssets: true });
  await writeFile(join(dir, 'instance.mjs'), INSTANCE);
  const { dynamoEndpoint, s3Endpoint } = inject('emulators');
  const name = `freshet-bundle-${randomUUID().slice(0, 8)}`;
  await Promise.all([ensureTable(emulatorClients(), name), ensureBucket(emulatorClients(), name)]);
  storageEnv = {
    FRESHET_TABLE: name,
    FRESHET_BUCKET: name,
    FRESHET_DYNAMODB_ENDPOINT: dynamoEndpoint,
    FRESHET_S3_ENDPOINT: s3Endpoint,
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };
});

afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  await rm(dir, { recursive: true, force: true });
});

describe('the api bundle', () => {
  it('is an ES module with its source map, small enough for a quick cold start', async () => {
    const size = (await stat(bundle)).size;
    expect(size).toBeGreaterThan(100_000);
    expect(size).toBeLessThan(3_000_000);
    expect((await stat(`${bundle}.map`)).size).toBeGreaterThan(0);
  });

  it("carries Lambda's native CRC-32C (an aarch64 shared object) where the bundle's run-time require looks, with the lock's version", async () => {
    const pkg = join(dir, 'node_modules/@node-rs/crc32-linux-arm64-gnu');
    const manifest = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')) as { main: string; version: string };
    const lock = JSON.parse(await readFile(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    expect(manifest.version).toBe(lock.packages['node_modules/@node-rs/crc32']!.version);
    const elf = await readFile(join(pkg, manifest.main));
    expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(elf.readUInt16LE(18)).toBe(183); // e_machine EM_AARCH64
  });

  it("leaves zod's other locales out, and what it imports lazily out of the entry it loads at init", async () => {
    const files = await readdir(dir);
    const code = await Promise.all(files.filter((f) => f.endsWith('.mjs')).map(async (f) => [f, await readFile(join(dir, f), 'utf8')] as const));
    // German is one of the locales zod's namespace would carry; English, zod's default, stays.
    expect(code.filter(([, text]) => text.includes('Ungültige Eingabe'))).toEqual([]);
    expect(code.some(([, text]) => text.includes('Invalid input'))).toBe(true);
    // The OpenAPI document's builder and the Secrets Manager client are chunks of their own, imported on first use.
    const entry = code.find(([f]) => f === 'index.mjs')![1];
    for (const lazy of ['openapi-document-', 'secrets-']) {
      const chunk = files.find((f) => f.startsWith(lazy) && f.endsWith('.mjs'));
      expect(chunk, lazy).toBeDefined();
      expect(entry).toContain(`import("./${chunk}")`);
      expect(entry).not.toMatch(new RegExp(`import\\s*[^(]*from\\s*"\\./${chunk}"`));
    }
  });

  it('loads neither zod nor the route groups at init: the entry and the chunks it imports statically', async () => {
    const staticImports = (text: string) => [...text.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[^'"()]*?from\s*)?"\.\/([^"]+\.mjs)"/g)].map((m) => m[1]!);
    const atInit = new Set<string>();
    const visit = async (file: string) => {
      if (atInit.has(file)) return;
      atInit.add(file);
      for (const f of staticImports(await readFile(join(dir, file), 'utf8'))) await visit(f);
    };
    await visit('index.mjs');
    expect(atInit.size).toBeGreaterThan(1);
    for (const file of atInit) {
      const text = await readFile(join(dir, file), 'utf8');
      // zod's core names its classes ("$ZodType"); @hono/zod-openapi's app class keeps its name (keepNames).
      expect(text, file).not.toContain('"$ZodType"');
      expect(text, file).not.toContain('OpenAPIHono');
      expect(text, file).not.toContain('/v1/topics/{topic}/records');
    }
  });

  it('names the TypeScript sources in a stack trace without --enable-source-maps, reading the maps only then', async () => {
    // A fresh process, as Lambda starts one (a worker thread would share the test's own source-map setting).
    const script = join(dir, 'throws.mjs');
    await writeFile(
      script,
      `const { handler } = await import(process.argv[2]);
       try { await handler({}, undefined); } catch (err) { console.log(JSON.stringify({ enabled: process.sourceMapsEnabled, stack: err.stack })); }`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, [script, pathToFileURL(bundle).href], {
      env: { ...storageEnv, FRESHET_ROOT_KEY: ROOT_KEY, PATH: process.env.PATH ?? '' },
    });
    const { enabled, stack } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { enabled: boolean; stack: string };
    expect(enabled).toBe(false);
    // The handler's frame is the line of functions/api.ts; no frame is left pointing into the bundle.
    expect(stack).toMatch(/\n\s+at .*handler \(.*functions\/api\.ts:\d+:\d+\)/);
    const framesInBundle = stack.split('\n').filter((l) => l.includes(dir) && !l.includes('throws.mjs'));
    expect(framesInBundle).toEqual([]);
  });

  it('creates a topic, produces and fetches records through API Gateway events, and refuses a wrong key', async () => {
    const instance = await coldStart({ ...storageEnv, FRESHET_ROOT_KEY: ROOT_KEY });
    const call = (event: LambdaEvent) => instance.invoke(event);

    const created = await call(httpEvent('POST', '/v1/topics', { key: ROOT_KEY, body: { name: 'orders', partitions: 2 } }));
    expect(created.statusCode).toBe(201);
    expect(json(created)).toMatchObject({ name: 'orders', partitions: 2 });

    const produced = await call(
      httpEvent('POST', '/v1/topics/orders/records', { key: ROOT_KEY, body: { records: [{ value: { n: 1 }, partition: 1 }, { value: { n: 2 }, partition: 1 }] } }),
    );
    expect(produced.statusCode).toBe(200);
    expect(json(produced)).toEqual({ topic: 'orders', offsets: [{ partition: 1, offset: 0 }, { partition: 1, offset: 1 }] });

    const base64 = await call(httpEvent('POST', '/v1/topics/orders/records', { key: ROOT_KEY, base64: true, body: { records: [{ value: 'third', partition: 1 }] } }));
    expect(json(base64)).toEqual({ topic: 'orders', offsets: [{ partition: 1, offset: 2 }] });

    // The client's RecordBatches, as API Gateway hands a binary body over: base64.
    const batch = encodeRecordBatch([{ key: null, value: Buffer.from('"fourth"'), headers: [], timestamp: Date.now() }], { compression: 'none' });
    const bytes = { body: frameRecordBatches([{ partition: 1, batch }]), contentType: RECORD_BATCHES_MEDIA_TYPE };
    const batches = await call(httpEvent('POST', '/v1/topics/orders/records', { key: ROOT_KEY, bytes }));
    expect(json(batches)).toEqual({ topic: 'orders', offsets: [{ partition: 1, offset: 3 }] });

    const fetched = await call(httpEvent('GET', '/v1/topics/orders/partitions/1/records', { key: ROOT_KEY, query: 'offset=0&limit=10' }));
    expect(fetched.statusCode).toBe(200);
    const body = json(fetched) as { records: { offset: number; value: unknown }[]; highWatermark: number };
    expect(body.records.map((r) => [r.offset, r.value])).toEqual([
      [0, { n: 1 }],
      [1, { n: 2 }],
      [2, 'third'],
      [3, 'fourth'],
    ]);
    expect(body.highWatermark).toBe(4);

    const refused = await call(httpEvent('GET', '/v1/topics', { key: 'not-the-root-key-at-all' }));
    expect(refused.statusCode).toBe(401);
    expect(refused.headers).toMatchObject({ 'content-type': 'application/problem+json' });
    expect(json(refused)).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await call(httpEvent('GET', '/v1/topics'))).statusCode).toBe(401);
  });

  it('serves /console and /docs from the files next to the bundle, under a Content-Security-Policy', async () => {
    const instance = await coldStart({ ...storageEnv, FRESHET_ROOT_KEY: ROOT_KEY });
    for (const [path, type] of [
      ['/console/', 'text/html'],
      ['/console/console.js', 'text/javascript'],
      ['/docs', 'text/html'],
      ['/docs/swagger-ui-bundle.js', 'text/javascript'],
      ['/docs/swagger-ui.css', 'text/css'],
    ] as const) {
      const res = await instance.invoke(httpEvent('GET', path));
      expect(res.statusCode, path).toBe(200);
      expect(res.headers?.['content-type'], path).toContain(type);
      expect(res.headers?.['content-security-policy'], path).toContain("script-src 'self'");
      expect(res.body.length, path).toBeGreaterThan(100);
    }
  });

  it('serves the same API behind a Lambda Function URL (freshet:apiEndpoint=functionUrl)', async () => {
    const instance = await coldStart({ ...storageEnv, FRESHET_ROOT_KEY: ROOT_KEY });
    const call = (event: LambdaEvent) => instance.invoke(event);

    const created = await call(functionUrlEvent('POST', '/v1/topics', { key: ROOT_KEY, body: { name: 'via-url', partitions: 1 } }));
    expect(created.statusCode).toBe(201);
    const produced = await call(functionUrlEvent('POST', '/v1/topics/via-url/records', { key: ROOT_KEY, base64: true, body: { records: [{ value: { n: 1 } }, { value: 'two' }] } }));
    expect(json(produced)).toEqual({ topic: 'via-url', offsets: [{ partition: 0, offset: 0 }, { partition: 0, offset: 1 }] });
    const fetched = await call(functionUrlEvent('GET', '/v1/topics/via-url/partitions/0/records', { key: ROOT_KEY, query: 'offset=1&limit=5' }));
    expect(fetched.statusCode).toBe(200);
    expect((json(fetched) as { records: { value: unknown }[] }).records.map((r) => r.value)).toEqual(['two']);

    const refused = await call(functionUrlEvent('DELETE', '/v1/topics/via-url', { key: 'not-the-root-key-at-all' }));
    expect(refused.statusCode).toBe(401);
    expect(refused.headers).toMatchObject({ 'content-type': 'application/problem+json' });
    // Public routes stay public behind the URL; the spec is the checked-in document.
    expect((await call(functionUrlEvent('GET', '/v1/health'))).statusCode).toBe(200);
    const spec = await call(functionUrlEvent('GET', '/openapi.yaml'));
    expect(spec.statusCode).toBe(200);
    // The adapter base64-encodes a body whose content type it does not know as text (application/yaml).
    const text = spec.isBase64Encoded ? Buffer.from(spec.body, 'base64').toString('utf8') : spec.body;
    expect(text === (await readFile(join(REPO_ROOT, 'openapi.yaml'), 'utf8'))).toBe(true);
  });

  it('logs a 5xx as structured JSON with the API Gateway request id, to match the access log', async () => {
    // A table that does not exist: every storage call fails, and the app answers 500.
    const instance = await coldStart({ ...storageEnv, FRESHET_TABLE: 'freshet-no-such-table', FRESHET_ROOT_KEY: ROOT_KEY });
    const event = httpEvent('GET', '/v1/topics', { key: ROOT_KEY });
    const res = await instance.invoke(event);
    expect(res.statusCode).toBe(500);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const line = instance
      .output()
      .split('\n')
      .find((l) => l.includes('answered with a server error'));
    const requestId = 'requestId' in event.requestContext ? event.requestContext.requestId : '';
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 'WARN', service: 'freshet-api', status: 500, apiRequestId: requestId });
  });

  it('reads the root key from Secrets Manager once, at cold start, when only the secret ARN is set', async () => {
    const secrets = await fakeSecretsManager(SECRET_ARN, SECRET_KEY);
    try {
      const instance = await coldStart({
        ...storageEnv,
        FRESHET_ROOT_KEY_SECRET_ARN: SECRET_ARN,
        // The SDK's own per-service endpoint setting; the credentials only need to sign.
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      });
      expect(secrets.calls).toBe(1);
      const call = (key: string) => instance.invoke(httpEvent('GET', '/v1/topics', { key }));
      expect((await call(SECRET_KEY)).statusCode).toBe(200);
      expect((await call(ROOT_KEY)).statusCode).toBe(401);
      expect(secrets.calls).toBe(1);
    } finally {
      await secrets.close();
    }
  });
});

/**
 * Secrets Manager has no local emulator; this answers GetSecretValue over the real wire
 * protocol (JSON 1.1, signed by the bundled SDK) for one secret, and counts the calls.
 */
async function fakeSecretsManager(arn: string, value: string) {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      const signed = String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256');
      const secretId = (JSON.parse(body || '{}') as { SecretId?: string }).SecretId;
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target !== 'secretsmanager.GetSecretValue' || !signed || secretId !== arn) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: `no secret ${secretId}` }));
        return;
      }
      calls += 1;
      res.end(JSON.stringify({ ARN: arn, Name: 'FreshetRootKey', SecretString: value, VersionId: randomUUID(), VersionStages: ['AWSCURRENT'] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get calls() {
      return calls;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

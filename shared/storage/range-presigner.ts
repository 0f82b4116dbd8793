import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl, S3RequestPresigner } from '@aws-sdk/s3-request-presigner';

/** Where the bucket's objects are addressed, learnt once from one URL the SDK presigned itself. */
interface Endpoint {
  protocol: string;
  hostname: string;
  port: number | undefined;
  /** The path before the object key: `/{bucket}` path-style (s3rver), empty virtual-hosted (AWS). */
  prefix: string;
  region: string;
  presigner: S3RequestPresigner;
}

const PROBE_KEY = 'freshet-presign-probe';

/**
 * Presigned ranged GETs of one bucket, many per direct fetch. `getSignedUrl` resolves the
 * endpoint rules, builds a new signer and runs the command's middleware for every URL
 * (2–4 ms each on this machine, measured: docs/benchmarks.md); here the endpoint and the
 * signer are made once, from one URL the SDK presigned itself, and each range costs one
 * SigV4 signature. The Range header is a signed header, so the URL serves that range of
 * that key only (docs/log.md, "Direct reads").
 */
export class RangePresigner {
  private endpoint: Promise<Endpoint> | undefined;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async presign(key: string, range: string, expiresInSeconds: number): Promise<string> {
    if (!this.endpoint) {
      this.endpoint = this.resolve();
      this.endpoint.catch(() => {
        this.endpoint = undefined; // the next presign tries again
      });
    }
    const e = await this.endpoint;
    const host = e.port === undefined ? e.hostname : `${e.hostname}:${e.port}`;
    const path = `${e.prefix}/${key.split('/').map(uriEscape).join('/')}`;
    const signed = await e.presigner.presign(
      { method: 'GET', protocol: e.protocol, hostname: e.hostname, port: e.port, path, query: { 'x-id': 'GetObject' }, headers: { host, range } } as never,
      { expiresIn: expiresInSeconds, signableHeaders: new Set(['range']), signingRegion: e.region, signingService: 's3' },
    );
    const query = Object.entries(signed.query as Record<string, string>)
      .map(([k, v]) => `${uriEscape(k)}=${uriEscape(v)}`)
      .join('&');
    return `${e.protocol}//${host}${path}?${query}`;
  }

  private async resolve(): Promise<Endpoint> {
    const probe = new URL(await getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: PROBE_KEY }), { expiresIn: 60 }));
    if (!probe.pathname.endsWith(`/${PROBE_KEY}`)) throw new Error(`unexpected presigned URL shape: ${probe.pathname}`);
    const scope = probe.searchParams.get('X-Amz-Credential')?.split('/');
    const region = scope?.[2];
    if (!region) throw new Error('presigned URL without a credential scope');
    return {
      protocol: probe.protocol,
      hostname: probe.hostname,
      port: probe.port === '' ? undefined : Number(probe.port),
      prefix: probe.pathname.slice(0, -PROBE_KEY.length - 1),
      region,
      presigner: new S3RequestPresigner({ ...this.s3.config, region: async () => region, signingName: 's3' }),
    };
  }
}

/** RFC 3986 escaping, as S3 and SigV4 expect it (encodeURIComponent leaves !'()* alone). */
function uriEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

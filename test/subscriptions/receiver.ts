import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedRequest {
  webhookId: string;
  timestamp: number;
  signature: string;
  contentType: string;
  body: string;
  headers: IncomingHttpHeaders;
  /** Whether the reference library verified it with the secret the receiver holds. */
  verified: boolean;
  at: number;
  /** The status the receiver answered. */
  answered?: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A webhook receiver on 127.0.0.1 that checks every request with the `standardwebhooks`
 * reference library (not our signing code), records it, and answers what `reply` says.
 */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  reply: (req: ReceivedRequest) => Reply | Promise<Reply> = () => ({ status: 200 });
  private server: Server | undefined;
  url = '';

  constructor(public secret: string | undefined = undefined) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const header = (name: string) => String(req.headers[name] ?? '');
        const received: ReceivedRequest = {
          webhookId: header('webhook-id'),
          timestamp: Number(header('webhook-timestamp')),
          signature: header('webhook-signature'),
          contentType: header('content-type'),
          body,
          headers: req.headers,
          verified: this.secret !== undefined && verifies(this.secret, body, req.headers),
          at: performance.now(),
        };
        this.requests.push(received);
        const reply = await this.reply(received);
        received.answered = reply.status;
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Standard Webhooks verification by the reference implementation. */
export function verifies(secret: string, body: string, headers: IncomingHttpHeaders): boolean {
  try {
    new Webhook(secret).verify(body, {
      'webhook-id': String(headers['webhook-id']),
      'webhook-timestamp': String(headers['webhook-timestamp']),
      'webhook-signature': String(headers['webhook-signature']),
    });
    return true;
  } catch {
    return false;
  }
}

export interface DeliveryBody {
  subscription: string;
  topic: string;
  partition: number;
  records: { offset: number; partition: number; timestamp: number; key: string | null; value: unknown; headers: Record<string, string | null> }[];
}

export const parseDelivery = (r: ReceivedRequest): DeliveryBody => JSON.parse(r.body) as DeliveryBody;

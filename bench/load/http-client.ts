import { type ApiTarget, apiGatewayUnits, type HttpTally } from './protocol.js';

/**
 * The load driver's view of the API: Node's fetch (undici, keep-alive), answers read in
 * full, every exchange tallied for the API Gateway part of the cost model.
 */
export class HttpClient {
  readonly tally: HttpTally = { requests: 0, requestBytes: 0, responseBytes: 0, apiGatewayUnits: 0 };

  constructor(private readonly target: ApiTarget) {}

  async post(path: string, body: string): Promise<string> {
    return this.exchange(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } }, Buffer.byteLength(body));
  }

  async get(path: string): Promise<string> {
    return this.exchange(path, { method: 'GET' }, 0);
  }

  private async exchange(path: string, init: { method: string; body?: string; headers?: Record<string, string> }, requestBytes: number): Promise<string> {
    const response = await fetch(`${this.target.baseUrl}${path}`, {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${this.target.apiKey}` },
    });
    const text = await response.text();
    const responseBytes = Buffer.byteLength(text);
    this.tally.requests++;
    this.tally.requestBytes += requestBytes;
    this.tally.responseBytes += responseBytes;
    this.tally.apiGatewayUnits += apiGatewayUnits(requestBytes, responseBytes);
    if (!response.ok) throw new Error(`${init.method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return text;
  }
}

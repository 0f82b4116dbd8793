import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ForbiddenWebhookUrlError } from '../errors.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Hostname → addresses; injected in tests (e.g. a name that resolves to 127.0.0.1). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface UrlPolicy {
  /** Local mode only: http and loopback receivers (127.0.0.0/8, ::1, localhost) are allowed. */
  allowLoopback: boolean;
  resolve?: Resolver | undefined;
}

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * Everything a webhook may never reach: this host, private networks, carrier-grade NAT,
 * link-local (169.254.169.254 is the cloud metadata service), multicast and reserved
 * space. Node's BlockList also matches IPv4-mapped IPv6 (::ffff:a.b.c.d) against the
 * IPv4 rules; NAT64 and 6to4 forms are unpacked below.
 */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address embedded in a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!);
  return undefined;
}

function expandIpv6(address: string): number[] | undefined {
  const [head = '', tail] = address.toLowerCase().split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  if (address.includes('.')) return undefined; // dotted tails are the mapped form, which BlockList handles
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** Why `address` may not be reached, or undefined when it may. */
export function forbiddenReason(address: string, policy: Pick<UrlPolicy, 'allowLoopback'>): string | undefined {
  const family = isIP(address);
  if (family === 0) return `'${address}' is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (policy.allowLoopback && LOOPBACK.check(address, type)) return undefined;
  if (FORBIDDEN.check(address, type)) return `${address} is a loopback, private, link-local or reserved address`;
  const embedded = family === 6 ? embeddedIpv4(address) : undefined;
  if (embedded && FORBIDDEN.check(embedded, 'ipv4')) return `${address} embeds the internal address ${embedded}`;
  return undefined;
}

/**
 * Checks a webhook URL and resolves it to the address to connect to. Every resolved
 * address must be allowed (a name mixing public and internal addresses is refused), and
 * delivery connects to the returned address itself, so a second DNS answer (rebinding)
 * can never swap in an internal one.
 */
export async function vetWebhookUrl(raw: string, policy: UrlPolicy): Promise<{ url: URL; address: ResolvedAddress }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ForbiddenWebhookUrlError('it is not an absolute URL');
  }
  if (url.username || url.password) throw new ForbiddenWebhookUrlError('credentials in the URL are not allowed; sign requests with the secret instead');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(host) !== 0;
  const addresses = literal ? [{ address: host, family: isIP(host) as 4 | 6 }] : await resolveOrRefuse(host, policy);
  for (const a of addresses) {
    const reason = forbiddenReason(a.address, policy);
    if (reason) throw new ForbiddenWebhookUrlError(literal ? reason : `${host} resolves to ${reason}`);
  }
  const loopbackOnly = addresses.every((a) => LOOPBACK.check(a.address, a.family === 4 ? 'ipv4' : 'ipv6'));
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowLoopback && loopbackOnly)) {
    throw new ForbiddenWebhookUrlError(policy.allowLoopback ? 'use https (http only for loopback receivers in local mode)' : 'use https');
  }
  return { url, address: addresses[0]! };
}

async function resolveOrRefuse(host: string, policy: UrlPolicy): Promise<ResolvedAddress[]> {
  try {
    const found = await (policy.resolve ?? systemResolver)(host);
    if (found.length > 0) return found;
  } catch {
    // fall through: an unresolvable host is refused with the same message
  }
  throw new ForbiddenWebhookUrlError(`the host ${host} does not resolve`);
}

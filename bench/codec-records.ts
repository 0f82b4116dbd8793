import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { LogRecord } from '../shared/log/record-batch-codec.js';

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa'];
const TYPES = ['page_view', 'click', 'add_to_cart', 'checkout', 'search', 'login'];

/**
 * Records for the codec comparison: JSON events of exactly `valueBytes` bytes with a
 * UUID key and fresh random content in every record (ids, a hex session, padding): gzip
 * shrinks a batch to about 42 %, so the gzip figures are neither flattered by repeated
 * bytes nor reduced to zlib's worst case on pure noise.
 */
export function codecRecords(count: number, valueBytes: number): LogRecord[] {
  const start = 1_700_000_000_000;
  return Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: 40 }, () => WORDS[randomInt(WORDS.length)]).join(' ');
    const event = {
      eventId: randomUUID(),
      type: TYPES[randomInt(TYPES.length)],
      userId: `user-${randomInt(1_000_000)}`,
      ts: start + i,
      session: randomBytes(12).toString('hex'),
      url: `https://shop.example.com/p/${randomInt(100_000)}?ref=${WORDS[randomInt(WORDS.length)]}`,
      amount: randomInt(100_000) / 100,
      note: words,
      pad: '',
    };
    const json = JSON.stringify(event);
    event.pad = randomBytes(Math.ceil(Math.max(0, valueBytes - json.length) / 2)).toString('hex');
    const value = Buffer.from(JSON.stringify(event).slice(0, valueBytes).padEnd(valueBytes, ' '));
    return { key: Buffer.from(randomUUID()), value, headers: [], timestamp: start + i };
  });
}

import { type Encoding, invalid, type Message, toText } from './encoding.js';

/**
 * A message as a record of the JSON produce body (`{"key":…,"value":…,"headers":…,
 * "partition":…,"timestamp":…}`), for the one request that still sends JSON: sendWithOffsets
 * (transactional.ts), whose body also carries the group's commit. The producer sends
 * RecordBatches (batch-record.ts).
 */
export function toJsonRecord(m: Message, encoding: Encoding, index = 0): string {
  const at = `messages[${index}]`;
  const key = m.key === undefined || m.key === null ? null : toText(m.key, encoding, `${at}.key`);
  let valueText: string;
  if (m.value === undefined || m.value === null) valueText = 'null';
  else if (encoding === 'json') {
    if (m.value instanceof Uint8Array) throw invalid(`${at}.value is bytes: use encoding 'base64'`);
    const text = JSON.stringify(m.value);
    if (text === undefined) throw invalid(`${at}.value is not JSON-serializable`);
    valueText = text;
  } else valueText = JSON.stringify(toText(m.value, encoding, `${at}.value`));
  let headers: Record<string, string | null> | undefined;
  if (m.headers) {
    headers = {};
    for (const [name, v] of Object.entries(m.headers)) headers[name] = v === null ? null : toText(v, encoding === 'json' ? 'string' : encoding, `${at}.headers.${name}`);
  }
  if (m.partition !== undefined && (!Number.isInteger(m.partition) || m.partition < 0)) throw invalid(`${at}.partition must be a non-negative integer`);
  let fields = `"key":${key === null ? 'null' : JSON.stringify(key)},"value":${valueText}`;
  if (headers) fields += `,"headers":${JSON.stringify(headers)}`;
  if (m.timestamp !== undefined) fields += `,"timestamp":${Number(m.timestamp)}`;
  if (m.partition !== undefined) fields += `,"partition":${m.partition}`;
  return `{${fields}}`;
}

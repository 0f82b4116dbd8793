import type { KafkaMessage } from '@freshet/client';
import { useState } from 'preact/hooks';
import { formatTime, parseLocalTime, show, type View } from '../format.js';
import type { Session } from '../session.js';
import { ErrorLine, Form, link, message, Section, useLoad } from '../ui.js';

const PAGE = 20;
type Message = KafkaMessage<Uint8Array | null> & { partition: number };

/** One partition's records, a page at a time, from an offset or a time; and a test produce. */
export function PartitionView({ session, topic, partition }: { session: Session; topic: string; partition: number }) {
  const { freshet } = session;
  const admin = freshet.admin();
  const [from, setFrom] = useState<{ offset: number } | { timestamp: number } | undefined>();
  const [view, setView] = useState<View>('json');
  const [tick, setTick] = useState(0);
  const meta = useLoad(async () => ({ topic: await admin.describeTopic(topic), partitions: await admin.partitions(topic) }), [topic, tick]);
  const head = meta.data?.partitions.find((p) => p.partition === partition);
  const page = useLoad(async () => {
    if (!head) return undefined;
    const start = from === undefined ? { fromOffset: head.logStartOffset } : 'offset' in from ? { fromOffset: from.offset } : { fromTimestamp: from.timestamp };
    const records: Message[] = [];
    for await (const m of freshet.readPartition({ topic, partition, ...start, follow: false, limit: PAGE, encoding: 'base64' })) {
      records.push(m as Message);
      if (records.length === PAGE) break;
    }
    return records;
  }, [head?.logStartOffset, head?.highWatermark, JSON.stringify(from)]);
  const records = page.data ?? [];
  const first = records[0]?.offset;
  const last = records.at(-1)?.offset;
  return (
    <Section title={`${topic} / partition ${partition}`}>
      <ErrorLine error={meta.error ?? page.error} />
      <p class="row">
        <a href="#/topics">← Topics</a>
        <span>Partition:</span>
        {Array.from({ length: meta.data?.topic.partitions ?? 0 }, (_, p) => (
          <a href={link('topics', topic, 'partitions', p)} class={p === partition ? 'current' : ''} key={p}>
            {p}
          </a>
        ))}
        {head && (
          <span data-testid="partition-head">
            log start {head.logStartOffset} · high watermark {head.highWatermark}
          </span>
        )}
      </p>
      <div class="row">
        <Form label="Read from offset" submit={async (f) => setFrom({ offset: Number(f.offset) })}>
          <input name="offset" type="number" min="0" required aria-label="offset" placeholder="offset" />
        </Form>
        <Form label="Read from time" submit={async (f) => setFrom({ timestamp: parseLocalTime(f.time ?? '') })}>
          <input name="time" type="datetime-local" step="0.001" required aria-label="time" />
        </Form>
        <label>
          Show as{' '}
          <select value={view} onChange={(e) => setView((e.currentTarget as HTMLSelectElement).value as View)} aria-label="show as">
            <option value="json">JSON</option>
            <option value="text">text</option>
            <option value="hex">hex</option>
          </select>
        </label>
      </div>
      <p class="row">
        <button type="button" disabled={first === undefined || !head || first <= head.logStartOffset} onClick={() => setFrom({ offset: Math.max(head?.logStartOffset ?? 0, (first ?? 0) - PAGE) })}>
          ← Previous page
        </button>
        <button type="button" disabled={last === undefined || !head || last + 1 >= head.highWatermark} onClick={() => setFrom({ offset: (last ?? 0) + 1 })}>
          Next page →
        </button>
        <button type="button" onClick={() => setTick((t) => t + 1)}>
          Refresh
        </button>
      </p>
      <table data-testid="records" class="records">
        <thead>
          <tr>
            <th class="num">Offset</th>
            <th>Timestamp</th>
            <th>Key</th>
            <th>Value</th>
            <th>Headers</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.offset} data-offset={r.offset}>
              <td class="num">{r.offset}</td>
              <td>{formatTime(r.timestamp)}</td>
              <td>
                <pre>{show(r.key as Uint8Array | null, view)}</pre>
              </td>
              <td>
                <pre class="value">{show(r.value, view)}</pre>
              </td>
              <td>
                {Object.entries(r.headers).map(([name, value]) => (
                  <pre key={name}>
                    {name}: {show(value as Uint8Array | null, view)}
                  </pre>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data?.length === 0 && <p class="empty">No records from here.</p>}
      <Produce session={session} topic={topic} partition={partition} produced={() => setTick((t) => t + 1)} />
    </Section>
  );
}

function Produce({ session, topic, partition, produced }: { session: Session; topic: string; partition: number; produced: () => void }) {
  const [result, setResult] = useState<string>();
  return (
    <details class="produce">
      <summary>Produce a test record</summary>
      <Form
        label="Produce"
        testId="produce"
        submit={async (f) => {
          setResult(undefined);
          let headers: Record<string, string> = {};
          try {
            headers = f.headers ? (JSON.parse(f.headers) as Record<string, string>) : {};
          } catch (e) {
            throw new Error(`headers must be a JSON object of strings: ${message(e)}`);
          }
          const producer = session.freshet.producer({ lingerMs: 0, encoding: 'string' });
          try {
            const [meta] = await producer.send({ topic, messages: [{ key: f.key || null, value: f.value ?? '', headers, partition }] });
            setResult(`written at offset ${meta?.offset}`);
          } finally {
            await producer.disconnect();
          }
          produced();
        }}
      >
        <input name="key" placeholder="key (optional)" aria-label="key" />
        <textarea name="value" placeholder="value (text)" aria-label="value" rows={2} />
        <input name="headers" placeholder='headers, e.g. {"source":"console"}' aria-label="headers" />
      </Form>
      {result && <p data-testid="produced">{result}</p>}
    </details>
  );
}

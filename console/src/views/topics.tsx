import type { Topic } from '@freshet/client';
import { TopicSchemaPanel } from './topic-schema.js';
import { CleanupPolicyOptions, compactionChange, CompactionSettings, formatRatio, maxDirtyRatio } from './topic-compaction.js';
import { useState } from 'preact/hooks';
import { formatBytes, formatMs, formatTime } from '../format.js';
import type { Session } from '../session.js';
import { Action, ErrorLine, Form, link, Section, useEvery, useLoad } from '../ui.js';

interface TopicRow {
  topic: Topic;
  partitions: { partition: number; logStartOffset: number; highWatermark: number; bytes: number; lastAppendTime: number | null; dirtyRatio: number | null }[];
}

/** Topics the key may see (the API filters by scope), each with its partitions' totals. */
export function TopicsView({ session }: { session: Session }) {
  const admin = session.freshet.admin();
  const { data, error, reload } = useLoad(async () => {
    const topics = await admin.listTopics();
    return Promise.all(topics.map(async (topic): Promise<TopicRow> => ({ topic, partitions: await admin.partitions(topic.name) })));
  }, []);
  useEvery(10_000, reload);
  const [open, setOpen] = useState<string>();
  const mayManage = session.self.admin;
  return (
    <Section
      title="Topics"
      actions={
        mayManage && (
          <Form
            label="Create topic"
            testId="create-topic"
            submit={async (f) => {
              await admin.createTopic({
                name: f.name ?? '',
                partitions: Number(f.partitions),
                compression: f.compression as 'none' | 'gzip' | 'lz4' | 'zstd',
                cleanupPolicy: f.cleanupPolicy as Topic['cleanupPolicy'],
                ...(f.retentionMs ? { retention: { ms: Number(f.retentionMs) } } : {}),
                ...compactionChange(f),
              });
              reload();
            }}
          >
            <input name="name" placeholder="name" required aria-label="topic name" />
            {/* defaultValue: a value prop is re-applied on every render (the list refreshes every 10 s), undoing what was typed. */}
            <input name="partitions" type="number" min="1" max="1024" defaultValue="3" aria-label="partitions" />
            <select name="compression" aria-label="compression">
              <option value="none">none</option>
              <option value="gzip">gzip</option>
              <option value="lz4">lz4</option>
              <option value="zstd">zstd</option>
            </select>
            <input name="retentionMs" type="number" min="-1" placeholder="retention ms (default)" aria-label="retention ms" />
            <select name="cleanupPolicy" aria-label="cleanup policy">
              <CleanupPolicyOptions />
            </select>
          </Form>
        )
      }
    >
      <ErrorLine error={error} />
      <table data-testid="topics">
        <thead>
          <tr>
            <th>Topic</th>
            <th class="num">Partitions</th>
            <th class="num">Records</th>
            <th class="num">Bytes</th>
            <th>Last append</th>
            <th>Retention</th>
            <th>Compression</th>
            <th>Cleanup policy</th>
            <th class="num" title="compacted topics: the highest of its partitions' dirty ratios">
              Dirty ratio
            </th>
            <th />
          </tr>
        </thead>
        <tbody>
          {data?.map(({ topic, partitions }) => (
            <>
              <tr key={topic.name} data-topic={topic.name}>
                <td>
                  <button type="button" class="link" onClick={() => setOpen(open === topic.name ? undefined : topic.name)}>
                    {topic.name}
                  </button>
                </td>
                <td class="num">{topic.partitions}</td>
                <td class="num">{partitions.reduce((n, p) => n + p.highWatermark - p.logStartOffset, 0)}</td>
                <td class="num">{formatBytes(partitions.reduce((n, p) => n + p.bytes, 0))}</td>
                <td>{formatTime(Math.max(0, ...partitions.map((p) => p.lastAppendTime ?? 0)) || null)}</td>
                <td>
                  {formatMs(topic.retention.ms)}
                  {topic.retention.bytes >= 0 ? ` / ${formatBytes(topic.retention.bytes)}` : ''}
                </td>
                <td>{topic.compression}</td>
                <td data-testid="cleanup-policy">{topic.cleanupPolicy}</td>
                <td class="num" data-testid="dirty-ratio">
                  {formatRatio(maxDirtyRatio(partitions))}
                </td>
                <td>
                  <a href={link('topics', topic.name, 'partitions', 0)}>Browse</a>
                </td>
              </tr>
              {open === topic.name && (
                <tr class="detail">
                  <td colSpan={10}>
                    <TopicDetail session={session} row={{ topic, partitions }} reload={reload} />
                  </td>
                </tr>
              )}
            </>
          ))}
        </tbody>
      </table>
      {data?.length === 0 && <p class="empty">No topics this key may see.</p>}
    </Section>
  );
}

function TopicDetail({ session, row, reload }: { session: Session; row: TopicRow; reload: () => void }) {
  const admin = session.freshet.admin();
  const { topic, partitions } = row;
  return (
    <div>
      <CompactionSettings topic={topic} />
      <table class="inner" data-testid="partitions">
        <thead>
          <tr>
            <th class="num">Partition</th>
            <th class="num">Log start</th>
            <th class="num">High watermark</th>
            <th class="num">Bytes</th>
            <th>Last append</th>
            {topic.cleanupPolicy !== 'delete' && <th class="num">Dirty ratio</th>}
          </tr>
        </thead>
        <tbody>
          {partitions.map((p) => (
            <tr key={p.partition}>
              <td class="num">
                <a href={link('topics', topic.name, 'partitions', p.partition)}>{p.partition}</a>
              </td>
              <td class="num">{p.logStartOffset}</td>
              <td class="num">{p.highWatermark}</td>
              <td class="num">{formatBytes(p.bytes)}</td>
              <td>{formatTime(p.lastAppendTime)}</td>
              {topic.cleanupPolicy !== 'delete' && <td class="num">{formatRatio(p.dirtyRatio)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {session.self.admin && (
        <div class="row">
          <Form
            label="Alter"
            testId="alter-topic"
            submit={async (f) => {
              await admin.alterTopic(topic.name, {
                ...(f.partitions ? { partitions: Number(f.partitions) } : {}),
                ...(f.retentionMs ? { retention: { ms: Number(f.retentionMs) } } : {}),
                ...compactionChange(f),
              });
              reload();
            }}
          >
            <input name="partitions" type="number" min={topic.partitions} placeholder={`partitions (${topic.partitions}, grow)`} aria-label="new partition count" />
            <input name="retentionMs" type="number" min="-1" placeholder={`retention ms (${topic.retention.ms})`} title="retention ms (-1: forever)" aria-label="new retention ms" />
            <select name="cleanupPolicy" aria-label="new cleanup policy">
              <option value="">{`cleanup policy (${topic.cleanupPolicy})`}</option>
              <CleanupPolicyOptions />
            </select>
            <input name="minLagMs" type="number" min="0" placeholder={`min lag ms (${topic.compaction.minLagMs})`} title="min compaction lag ms" aria-label="new min compaction lag ms" />
            <input name="maxLagMs" placeholder={`max lag ms (${topic.compaction.maxLagMs ?? 'none'})`} title="max compaction lag ms: a number, or none" aria-label="new max compaction lag ms" />
            <input name="deleteRetentionMs" type="number" min="0" placeholder={`tombstones kept ms (${topic.compaction.deleteRetentionMs})`} title="delete retention ms: how long a tombstone stays readable" aria-label="new delete retention ms" />
            <input name="minCleanableDirtyRatio" type="number" min="0" step="any" placeholder={`dirty ratio (${topic.compaction.minCleanableDirtyRatio})`} title="min cleanable dirty ratio, 0 to 1" aria-label="new min cleanable dirty ratio" />
          </Form>
          <Action
            label="Delete topic"
            kind="danger"
            confirm={`Delete topic '${topic.name}' and all its records? This cannot be undone.`}
            run={async () => {
              await admin.deleteTopic(topic.name);
              reload();
            }}
          />
        </div>
      )}
      <TopicSchemaPanel session={session} topic={topic.name} />
    </div>
  );
}

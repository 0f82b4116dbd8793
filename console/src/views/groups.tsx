import { formatTime } from '../format.js';
import type { Session } from '../session.js';
import { ErrorLine, link, Section, useEvery, useLoad } from '../ui.js';
import { SeekForm } from './seek.js';

export function GroupsView({ session }: { session: Session }) {
  const { data, error, reload } = useLoad(() => session.freshet.admin().listGroups(), []);
  useEvery(10_000, reload);
  return (
    <Section title="Consumer groups">
      <ErrorLine error={error} />
      <table data-testid="groups">
        <thead>
          <tr>
            <th>Group</th>
            <th class="num">Generation</th>
            <th class="num">Members</th>
          </tr>
        </thead>
        <tbody>
          {data?.map((g) => (
            <tr key={g.group}>
              <td>
                <a href={link('groups', g.group)}>{g.group}</a>
              </td>
              <td class="num">{g.generation}</td>
              <td class="num">{g.members}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data?.length === 0 && <p class="empty">No consumer groups this key may see.</p>}
    </Section>
  );
}

/**
 * Lag per partition: the high watermark minus the committed offset. A partition never
 * committed has no lag to show ("no commit"), which is not the same as 0 (caught up).
 */
export function GroupView({ session, group }: { session: Session; group: string }) {
  const admin = session.freshet.admin();
  const { data, error, reload } = useLoad(() => admin.describeGroup(group), [group]);
  useEvery(1_500, reload);
  const totalLag = data?.offsets.reduce((n, o) => n + (o.lag ?? o.highWatermark), 0);
  const topics = [...new Set(data?.offsets.map((o) => o.topic) ?? [])];
  return (
    <Section title={`Group ${group}`}>
      <p>
        <a href="#/groups">← Consumer groups</a>
      </p>
      <ErrorLine error={error} />
      {data && (
        <>
          <p class="row">
            <span>
              Generation <strong data-testid="generation">{data.generation}</strong>
            </span>
            <span>
              Total lag <strong data-testid="total-lag">{totalLag}</strong>
            </span>
            <span class="hint">(partitions never committed count their whole log)</span>
          </p>
          <h3>Members</h3>
          <table data-testid="members">
            <thead>
              <tr>
                <th>Member</th>
                <th>Topics</th>
                <th>Assignment</th>
                <th>Lease expires</th>
              </tr>
            </thead>
            <tbody>
              {data.members.map((m) => (
                <tr key={m.memberId}>
                  <td>{m.memberId}</td>
                  <td>{m.topics.join(', ')}</td>
                  <td>{m.assignments.map((a) => `${a.topic}/${a.partition}`).join(', ')}</td>
                  <td>{formatTime(m.leaseExpiresAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.members.length === 0 && <p class="empty">No members (the group is empty; its committed offsets stay).</p>}
          <h3>Offsets</h3>
          <table data-testid="offsets">
            <thead>
              <tr>
                <th>Topic</th>
                <th class="num">Partition</th>
                <th class="num">Committed</th>
                <th class="num">High watermark</th>
                <th class="num">Lag</th>
                <th>Owner</th>
              </tr>
            </thead>
            <tbody>
              {data.offsets.map((o) => (
                <tr key={`${o.topic}/${o.partition}`} data-partition={`${o.topic}/${o.partition}`}>
                  <td>{o.topic}</td>
                  <td class="num">{o.partition}</td>
                  <td class="num">{o.committedOffset ?? <span class="muted">no commit</span>}</td>
                  <td class="num">{o.highWatermark}</td>
                  <td class={`num lag ${o.lag === null ? 'never' : o.lag === 0 ? 'zero' : 'behind'}`} data-testid="lag">
                    {o.lag === null ? `never committed (${o.highWatermark})` : o.lag}
                  </td>
                  <td>{o.owner ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {topics.map((topic) => (
            <div class="row" key={topic}>
              <span>Seek {topic}:</span>
              <SeekForm
                partitions={Math.max(...data.offsets.filter((o) => o.topic === topic).map((o) => o.partition)) + 1}
                seek={async (to, partition) => {
                  await admin.seekGroup(group, { topic, to, ...(partition !== undefined ? { partitions: [partition] } : {}) });
                  reload();
                }}
              />
            </div>
          ))}
        </>
      )}
    </Section>
  );
}

import type { Replay } from '@freshet/client';
import { formatTime, parseLocalTime } from '../format.js';
import type { Session } from '../session.js';
import { ErrorLine, Form, Section, useEvery, useLoad } from '../ui.js';

/** Offsets done / offsets in the window, over all partitions. */
function progress(r: Replay): { done: number; total: number } {
  let done = 0;
  let total = 0;
  for (const p of r.partitions) {
    total += p.endOffset - p.startOffset;
    done += Math.min(p.nextOffset, p.endOffset) - p.startOffset;
  }
  return { done, total };
}

export function ReplaysView({ session }: { session: Session }) {
  const admin = session.freshet.admin();
  const { data, error, reload } = useLoad(() => admin.listReplays({ limit: 100 }), []);
  useEvery(1_500, reload);
  return (
    <Section
      title="Replays"
      actions={
        <Form
          label="Start replay"
          testId="start-replay"
          submit={async (f) => {
            const target = f.targetKind === 'subscription' ? { subscription: f.target ?? '' } : { topic: f.target ?? '' };
            await admin.startReplay({
              topic: f.topic ?? '',
              from: { timestamp: parseLocalTime(f.from ?? '') },
              ...(f.to ? { to: { timestamp: parseLocalTime(f.to) } } : {}),
              target,
            });
            reload();
          }}
        >
          <input name="topic" placeholder="source topic" required aria-label="source topic" />
          <input name="from" type="datetime-local" step="1" required aria-label="from" />
          <input name="to" type="datetime-local" step="1" aria-label="until" />
          <select name="targetKind" aria-label="target kind">
            <option value="topic">into topic</option>
            <option value="subscription">into subscription</option>
          </select>
          <input name="target" placeholder="target topic or subscription id" required aria-label="target" />
        </Form>
      }
    >
      <ErrorLine error={error} />
      <table data-testid="replays">
        <thead>
          <tr>
            <th>Id</th>
            <th>Topic</th>
            <th>Window</th>
            <th>Target</th>
            <th>Status</th>
            <th>Progress</th>
          </tr>
        </thead>
        <tbody>
          {data?.replays.map((r) => {
            const { done, total } = progress(r);
            return (
              <tr key={r.id} data-replay={r.id}>
                <td>{r.id}</td>
                <td>{r.topic}</td>
                <td>
                  {formatTime(r.from)} → {r.to === null ? 'now' : formatTime(r.to)}
                </td>
                <td>{'topic' in r.target ? `topic ${r.target.topic}` : `subscription ${r.target.subscription}`}</td>
                <td data-testid="replay-status">
                  {r.status}
                  {r.error ? `: ${r.error}` : ''}
                </td>
                <td>
                  <progress max={Math.max(total, 1)} value={r.status === 'done' ? Math.max(total, 1) : done} data-testid="replay-progress" />{' '}
                  <span>
                    {done} / {total} offsets · {r.copied} copied
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {data?.replays.length === 0 && <p class="empty">No replays of topics this key may consume.</p>}
    </Section>
  );
}

import { useState } from 'preact/hooks';
import { formatTime } from '../format.js';
import type { Session } from '../session.js';
import { Action, ErrorLine, link, Section, useEvery, useLoad } from '../ui.js';
import { SeekForm } from './seek.js';

export function SubscriptionsView({ session }: { session: Session }) {
  const { data, error, reload } = useLoad(() => session.freshet.admin().listSubscriptions(), []);
  useEvery(10_000, reload);
  return (
    <Section title="Subscriptions">
      <ErrorLine error={error} />
      <table data-testid="subscriptions">
        <thead>
          <tr>
            <th>Name</th>
            <th>Topic</th>
            <th>URL</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {data?.map((s) => (
            <tr key={s.id}>
              <td>
                <a href={link('subscriptions', s.id)}>{s.name}</a>
              </td>
              <td>{s.topic}</td>
              <td>{s.url}</td>
              <td>{s.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data?.length === 0 && <p class="empty">No subscriptions this key may see.</p>}
    </Section>
  );
}

export function SubscriptionView({ session, id }: { session: Session; id: string }) {
  const admin = session.freshet.admin();
  const { data: s, error, reload } = useLoad(() => admin.describeSubscription(id), [id]);
  useEvery(1_500, reload);
  const deadLettered = s?.partitions.reduce((n, p) => n + p.deadLetteredCount, 0) ?? 0;
  return (
    <Section title={`Subscription ${s?.name ?? id}`}>
      <p>
        <a href="#/subscriptions">← Subscriptions</a>
      </p>
      <ErrorLine error={error} />
      {s && (
        <>
          <dl class="facts">
            <dt>Topic</dt>
            <dd>{s.topic}</dd>
            <dt>URL</dt>
            <dd>{s.url}</dd>
            <dt>State</dt>
            <dd data-testid="state">
              {s.state}
              {s.pausedReason ? ` (${s.pausedReason})` : ''}
            </dd>
            <dt>Dead-lettered</dt>
            <dd data-testid="dead-lettered">
              {deadLettered} → <a href={link('topics', s.deadLetterTopic, 'partitions', 0)}>{s.deadLetterTopic}</a>
            </dd>
            <dt>Attempts</dt>
            <dd>
              at most {s.maxAttempts}, backoff {s.backoff.initialMs}–{s.backoff.maxMs} ms, timeout {s.timeoutMs} ms
            </dd>
          </dl>
          <div class="row">
            {s.state === 'active' ? (
              <Action label="Pause" run={async () => {
 await admin.pauseSubscription(id);
 reload();
 }} />
            ) : (
              <Action label="Resume" run={async () => {
 await admin.resumeSubscription(id);
 reload();
 }} />
            )}
            <RotateSecret rotate={() => admin.rotateSubscriptionSecret(id)} />
          </div>
          <table data-testid="cursors">
            <thead>
              <tr>
                <th class="num">Partition</th>
                <th class="num">Cursor</th>
                <th class="num">High watermark</th>
                <th class="num">Backlog</th>
                <th class="num">Attempts</th>
                <th>Next attempt</th>
                <th>Last status</th>
                <th>Last error</th>
                <th class="num">Delivered</th>
                <th class="num">Dead-lettered</th>
              </tr>
            </thead>
            <tbody>
              {s.partitions.map((p) => (
                <tr key={p.partition}>
                  <td class="num">{p.partition}</td>
                  <td class="num">{p.cursor}</td>
                  <td class="num">{p.highWatermark}</td>
                  <td class="num">{p.lag}</td>
                  <td class="num">{p.attempts}</td>
                  <td>{formatTime(p.nextAttemptAt)}</td>
                  <td>{p.lastStatus ?? '—'}</td>
                  <td class="last-error" data-testid="last-error">
                    {p.lastError ?? '—'}
                  </td>
                  <td class="num">{p.deliveredCount}</td>
                  <td class="num">{p.deadLetteredCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="row">
            <span>Seek:</span>
            <SeekForm
              partitions={s.partitions.length}
              seek={async (to, partition) => {
                const parts = partition === undefined ? s.partitions.map((p) => p.partition) : [partition];
                await admin.seekSubscription(id, { to: typeof to === 'object' && 'offset' in to ? { offsets: parts.map((p) => ({ partition: p, offset: to.offset })) } : to });
                reload();
              }}
            />
          </div>
        </>
      )}
    </Section>
  );
}

/** The new secret is shown once, here; the previous one stays valid for a while (docs/webhooks.md). */
function RotateSecret({ rotate }: { rotate: () => Promise<{ secret: string }> }) {
  const [secret, setSecret] = useState<string>();
  return (
    <>
      <Action label="Rotate secret" confirm="Rotate the signing secret? The new secret is shown once." run={async () => setSecret((await rotate()).secret)} />
      {secret && (
        <div class="secret" data-testid="new-secret">
          <p>The new signing secret, shown this once (give it to the receiver now; the previous one stays valid for a while):</p>
          <pre>{secret}</pre>
          <button type="button" onClick={() => setSecret(undefined)}>
            I have stored it
          </button>
        </div>
      )}
    </>
  );
}

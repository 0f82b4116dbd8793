import { useState } from 'preact/hooks';
import { formatTime } from '../format.js';
import type { Session } from '../session.js';
import { Action, ErrorLine, Form, Section, useLoad } from '../ui.js';

type Scope = 'admin' | { topics: string; actions: ('produce' | 'consume' | 'subscribe')[] };

/** `admin`, or `orders.*:produce,consume` — the CLI's scope syntax, one per line. */
function parseScopes(text: string): Scope[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      if (line === 'admin') return 'admin';
      const [topics = '', actions = ''] = line.split(':');
      return { topics: topics.trim(), actions: actions.split(',').map((a) => a.trim()) as ('produce' | 'consume' | 'subscribe')[] };
    });
}

export function KeysView({ session }: { session: Session }) {
  const admin = session.freshet.admin();
  const { data, error, reload } = useLoad(() => admin.listKeys(), []);
  const [created, setCreated] = useState<{ name: string; key: string }>();
  return (
    <Section
      title="API keys"
      actions={
        <Form
          label="Create key"
          testId="create-key"
          submit={async (f) => {
            const key = await admin.createKey({ name: f.name ?? '', scopes: parseScopes(f.scopes ?? '') as never });
            setCreated({ name: key.name, key: key.key });
            reload();
          }}
        >
          <input name="name" placeholder="name" required aria-label="key name" />
          <textarea name="scopes" rows={2} placeholder={'orders.*:produce,consume\n(or admin)'} required aria-label="scopes" />
        </Form>
      }
    >
      {created && (
        <div class="secret" data-testid="created-key">
          <p>
            The key for <strong>{created.name}</strong>, shown this once (store it now):
          </p>
          <pre>{created.key}</pre>
          <button type="button" onClick={() => setCreated(undefined)}>
            I have stored it
          </button>
        </div>
      )}
      <ErrorLine error={error} />
      <table data-testid="keys">
        <thead>
          <tr>
            <th>Id</th>
            <th>Name</th>
            <th>Prefix</th>
            <th>Scopes</th>
            <th>Created</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {data?.map((k) => (
            <tr key={k.id}>
              <td>{k.id}</td>
              <td>{k.name}</td>
              <td>{k.prefix}…</td>
              <td>{k.scopes.map((s) => (s === 'admin' ? 'admin' : `${s.topics}: ${s.actions.join(', ')}`)).join('; ')}</td>
              <td>{formatTime(k.createdAt)}</td>
              <td>{formatTime(k.lastUsedAt)}</td>
              <td>
                <Action label="Revoke" kind="danger" confirm={`Revoke key '${k.name}'? Requests with it fail at once.`} run={async () => {
 await admin.revokeKey(k.id);
 reload();
 }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

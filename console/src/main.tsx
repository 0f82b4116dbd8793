import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { resumeSession, type Session, signIn, signOut } from './session.js';
import { ErrorLine, message } from './ui.js';
import { GroupView, GroupsView } from './views/groups.js';
import { KeysView } from './views/keys.js';
import { PartitionView } from './views/partition.js';
import { ReplaysView } from './views/replays.js';
import { SubscriptionsView, SubscriptionView } from './views/subscriptions.js';
import { TopicsView } from './views/topics.js';

/** The route is the URL's hash (#/topics, #/groups/g1, …): parts, decoded. */
function useRoute(): string[] {
  const parse = () =>
    location.hash
      .replace(/^#\/?/, '')
      .split('/')
      .filter(Boolean)
      .map((p) => decodeURIComponent(p));
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const onChange = () => setRoute(parse());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function SignIn({ onSession }: { onSession: (s: Session) => void }) {
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const key = (new FormData(e.currentTarget as HTMLFormElement).get('apiKey') as string).trim();
    try {
      onSession(await signIn(key));
    } catch (err) {
      setError(message(err));
    }
  };
  return (
    <main class="sign-in">
      <h1>Freshet console</h1>
      <form onSubmit={submit}>
        <label>
          API key
          <input name="apiKey" type="password" autocomplete="off" required data-testid="api-key" />
        </label>
        <button type="submit">Sign in</button>
        <ErrorLine error={error} />
      </form>
      <p class="hint">The key is kept in this tab's session storage until you sign out or close the tab. `npm start` prints one.</p>
    </main>
  );
}

const NAV = [
  ['topics', 'Topics'],
  ['groups', 'Consumer groups'],
  ['subscriptions', 'Subscriptions'],
  ['replays', 'Replays'],
] as const;

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const [section = 'topics', id, sub, p] = route;
  const { self } = session;
  const scope = self.admin ? 'admin' : self.scopes.map((s) => (s === 'admin' ? 'admin' : `${s.topics}: ${s.actions.join(', ')}`)).join('; ');
  let view = <TopicsView session={session} />;
  if (section === 'topics' && id && sub === 'partitions') view = <PartitionView session={session} topic={id} partition={Number(p ?? 0)} key={`${id}/${p}`} />;
  else if (section === 'groups') view = id ? <GroupView session={session} group={id} key={id} /> : <GroupsView session={session} />;
  else if (section === 'subscriptions') view = id ? <SubscriptionView session={session} id={id} key={id} /> : <SubscriptionsView session={session} />;
  else if (section === 'replays') view = <ReplaysView session={session} />;
  else if (section === 'keys' && self.admin) view = <KeysView session={session} />;
  return (
    <div class="shell">
      <nav>
        <strong class="brand">Freshet</strong>
        {NAV.map(([path, label]) => (
          <a href={`#/${path}`} class={section === path ? 'current' : ''} key={path}>
            {label}
          </a>
        ))}
        {self.admin && (
          <a href="#/keys" class={section === 'keys' ? 'current' : ''}>
            API keys
          </a>
        )}
        <span class="who" data-testid="who">
          {self.id} ({scope})
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </nav>
      <main>{view}</main>
    </div>
  );
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  useEffect(() => {
    void resumeSession().then((s) => setSession(s ?? null));
  }, []);
  if (session === undefined) return <p class="loading">Loading…</p>;
  if (session === null) return <SignIn onSession={setSession} />;
  return (
    <Shell
      session={session}
      onSignOut={() => {
        signOut();
        setSession(null);
      }}
    />
  );
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}

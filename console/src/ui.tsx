import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';

/** Every value shown comes from the API and is rendered by preact as text (never as HTML). */

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => {
        if (!live) return;
        setData(() => d);
        setError(undefined);
      },
      (e: unknown) => live && setError(message(e)),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, reload: useCallback(() => setTick((t) => t + 1), []) };
}

/** Refreshes `reload` every `ms` while the view is shown. */
export function useEvery(ms: number, reload: () => void): void {
  useEffect(() => {
    const timer = setInterval(reload, ms);
    return () => clearInterval(timer);
  }, [ms, reload]);
}

export function message(e: unknown): string {
  if (e && typeof e === 'object' && 'title' in e && 'status' in e) {
    const err = e as { title?: string; detail?: string; status: number; code?: string };
    return `${err.title ?? 'error'}${err.detail ? `: ${err.detail}` : ''} (${err.status}${err.code ? ` ${err.code}` : ''})`;
  }
  return e instanceof Error ? e.message : String(e);
}

/**
 * The items a problem lists beyond its detail, one line each: a refused schema version's
 * incompatibilities (409 INCOMPATIBLE_SCHEMA), a produce's schema violations (422 SCHEMA_VIOLATION).
 */
export function problemItems(e: unknown): string[] {
  const problem = e && typeof e === 'object' && 'problem' in e ? (e as { problem: Record<string, unknown> }).problem : undefined;
  const list = (name: string) => (Array.isArray(problem?.[name]) ? (problem[name] as Record<string, unknown>[]) : []);
  return [
    ...list('incompatibilities').map((i) => `version ${i.version} (${i.direction}) at '${i.pointer}': ${i.message}`),
    ...list('violations').map((v) => `record ${v.index} at '${v.pointer}': ${v.message} (${v.keyword})`),
  ];
}

export function ErrorLine({ error, items }: { error: string | undefined; items?: string[] }) {
  if (!error) return null;
  if (!items || items.length === 0)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  return (
    <div class="error" role="alert">
      <p>{error}</p>
      <ul class="problems">
        {items.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ul>
    </div>
  );
}

/** A button that runs an action, shows it running, and reports its failure. */
export function Action({ label, run, confirm: ask, kind, testId }: { label: string; run: () => Promise<unknown>; confirm?: string; kind?: 'danger'; testId?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const click = async () => {
    if (ask && !window.confirm(ask)) return;
    setBusy(true);
    setError(undefined);
    try {
      await run();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button type="button" class={kind} disabled={busy} onClick={click} data-testid={testId}>
        {label}
      </button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

export function Section({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section>
      <header class="section-head">
        <h2>{title}</h2>
        <div>{actions}</div>
      </header>
      {children}
    </section>
  );
}

/** Runs `submit` with the form's fields; shows a failure under the form. */
export function Form({ submit, children, label, testId }: { submit: (fields: Record<string, string>) => Promise<unknown>; children: ComponentChildren; label: string; testId?: string }) {
  const [error, setError] = useState<string>();
  const [items, setItems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const fields = Object.fromEntries([...new FormData(form).entries()].map(([k, v]) => [k, String(v)]));
    setBusy(true);
    setError(undefined);
    try {
      await submit(fields);
    } catch (err) {
      setError(message(err));
      setItems(problemItems(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="inline-form" onSubmit={onSubmit} data-testid={testId}>
      {children}
      <button type="submit" disabled={busy}>
        {label}
      </button>
      <ErrorLine error={error} items={items} />
    </form>
  );
}

export const link = (...parts: (string | number)[]) => `#/${parts.map((p) => encodeURIComponent(String(p))).join('/')}`;

import type { ApiSchemas, TopicSchema } from '@freshet/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatTime } from '../format.js';
import type { Session } from '../session.js';
import { ErrorLine, Form, useLoad } from '../ui.js';

type Compatibility = ApiSchemas['schemas']['TopicSchema']['compatibility'];
/** Confluent Schema Registry's modes, as the API takes them (docs/schemas.md). */
const MODES: Compatibility[] = ['none', 'backward', 'forward', 'full', 'backward_transitive', 'forward_transitive', 'full_transitive'];

/**
 * A topic's JSON Schema: the latest version, its compatibility mode and every version
 * (any key that may see the topic); an admin registers a new version. Schemas are shown
 * as JSON text in a <pre>, never as markup.
 */
export function TopicSchemaPanel({ session, topic }: { session: Session; topic: string }) {
  const admin = session.freshet.admin();
  const { data: versions, error, reload } = useLoad(() => admin.topicSchemaVersions(topic), [topic]);
  const latest = versions?.at(-1);
  const [shown, setShown] = useState<number>();
  const version = versions?.find((v) => v.version === shown) ?? latest;
  return (
    <div class="schema" data-testid="schema">
      <h3>Schema</h3>
      <ErrorLine error={error} />
      {versions?.length === 0 && <p class="empty">No schema: records are not validated.</p>}
      {latest && version && (
        <>
          <p data-testid="schema-latest">
            {`latest version ${latest.version}, compatibility ${latest.compatibility}`}
            {version.version !== latest.version && ` (showing version ${version.version})`}
          </p>
          <table class="inner" data-testid="schema-versions">
            <thead>
              <tr>
                <th class="num">Version</th>
                <th>Compatibility</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {versions?.map((v) => (
                <tr key={v.version} class={v.version === version.version ? 'selected' : undefined}>
                  <td class="num">
                    <button type="button" class="link" onClick={() => setShown(v.version)}>
                      {v.version}
                    </button>
                  </td>
                  <td>{v.compatibility}</td>
                  <td>{formatTime(v.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <pre class="schema-json" data-testid="schema-json">{JSON.stringify(version.schema, null, 2)}</pre>
        </>
      )}
      {session.self.admin && versions && <RegisterVersion topic={topic} latest={latest} session={session} registered={reload} />}
    </div>
  );
}

function RegisterVersion({ session, topic, latest, registered }: { session: Session; topic: string; latest: TopicSchema | undefined; registered: () => void }) {
  const editor = useRef<HTMLTextAreaElement>(null);
  // Filled with the latest version once per version (not on every render, which would undo an edit).
  useEffect(() => {
    if (editor.current && latest) editor.current.value = JSON.stringify(latest.schema, null, 2);
  }, [latest?.version]);
  return (
    <details class="register-schema">
      <summary>Register a new version</summary>
      <Form
        label="Register version"
        testId="set-schema"
        submit={async (f) => {
          let schema: boolean | Record<string, unknown>;
          try {
            schema = JSON.parse(f.schema ?? '') as boolean | Record<string, unknown>;
          } catch (e) {
            throw new Error(`the schema is not JSON: ${e instanceof Error ? e.message : String(e)}`);
          }
          await session.freshet.admin().setTopicSchema(topic, { schema, ...(f.compatibility ? { compatibility: f.compatibility as Compatibility } : {}) });
          registered();
        }}
      >
        <textarea ref={editor} name="schema" placeholder='a JSON Schema, e.g. {"type": "object", "required": ["id"]}' aria-label="JSON schema" />
        <select name="compatibility" aria-label="compatibility">
          <option value="">{latest ? `compatibility (${latest.compatibility})` : 'compatibility (backward)'}</option>
          {MODES.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </Form>
    </details>
  );
}

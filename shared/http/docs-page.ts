import { parse } from 'yaml';

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * /docs: the spec rendered as one self-contained HTML page, no scripts and nothing fetched
 * from a CDN, so it works on an offline machine and behind a strict CSP.
 */
export function renderDocsPage(specYaml: string): string {
  const spec = parse(specYaml) as {
    info: { title: string; description?: string };
    paths: Record<string, Record<string, Operation>>;
    components?: { schemas?: Record<string, unknown> };
  };
  const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const params = (op.parameters ?? [])
        .map((p) => `<li><code>${escapeHtml(p.name)}</code> (${p.in}${p.required ? ', required' : ''}) ${escapeHtml(p.description ?? '')}</li>`)
        .join('');
      const body = op.requestBody?.content?.['application/json']?.schema;
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => `<li><code>${status}</code> ${escapeHtml(r.description ?? '')}</li>`)
        .join('');
      return `<section id="${escapeHtml(`${method}-${path}`)}"><h3><span class="m">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary ?? '')}</p>${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}${
        body ? `<h4>Request body</h4><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre>` : ''
      }<h4>Responses</h4><ul>${responses}</ul></section>`;
    }),
  );
  const schemas = Object.entries(spec.components?.schemas ?? {})
    .map(([name, s]) => `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3><pre>${escapeHtml(JSON.stringify(s, null, 2))}</pre></section>`)
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(spec.info.title)} API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}pre{background:#f5f5f5;padding:.5rem;overflow:auto;font-size:12px}.m{font-family:monospace;background:#246;color:#fff;padding:0 .4rem;border-radius:3px}section{border-top:1px solid #ddd}</style>
</head><body><h1>${escapeHtml(spec.info.title)} API</h1><p>${escapeHtml(spec.info.description ?? '')}</p><p>The raw spec: <a href="/openapi.yaml">/openapi.yaml</a></p>
<h2>Operations</h2>${operations.join('\n')}<h2>Schemas</h2>${schemas}</body></html>`;
}

/** The API reference, rendered from Darkroom's own OpenAPI document (GET /api/v2/openapi.json). */
import { useEffect, useState } from 'preact/hooks';
import { call, messageOf } from '../api';
import { ErrorText } from '../ui';

interface Operation {
  summary?: string; description?: string; tags?: string[]; operationId?: string;
  parameters?: Parameter[]; requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, { description?: string; $ref?: string }>; security?: unknown[];
}
interface Parameter { name?: string; in?: string; required?: boolean; description?: string; $ref?: string; schema?: { type?: unknown } }
interface Document {
  info: { title: string; version: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation | Parameter[]>>;
  components?: { responses?: Record<string, { description?: string }>; parameters?: Record<string, Parameter> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function ReferencePage() {
  const [doc, setDoc] = useState<Document | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { call<Document>('GET', '/api/v2/openapi.json').then(setDoc, (e) => setError(messageOf(e))); }, []);
  if (error) return <div><h1>API reference</h1><ErrorText message={error} /></div>;
  if (!doc) return <p role="status">Loading the API reference…</p>;

  const byTag = new Map<string, [string, string, Operation][]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), [method, path, op]]);
    }
  }
  const resolve = (p: Parameter): Parameter => (p.$ref ? doc.components?.parameters?.[p.$ref.split('/').pop()!] ?? p : p);
  return (
    <div class="reference">
      <h1>{doc.info.title} <span class="muted">version {doc.info.version}</span></h1>
      <p>Every path answers under <code>/api</code> and also without it. The document itself:{' '}
        <a href="/api/v2/openapi.yaml">openapi.yaml</a>, <a href="/api/v2/openapi.json">openapi.json</a>.</p>
      {doc.info.description && <Paragraphs text={doc.info.description} />}
      <nav aria-label="Sections of the reference"><ul class="inline">
        {[...byTag.keys()].map((tag) => <li key={tag}><a href={`#/reference`} onClick={(e) => { e.preventDefault(); document.getElementById(`tag-${tag}`)?.scrollIntoView(); }}>{tag}</a></li>)}
      </ul></nav>
      {[...byTag.entries()].map(([tag, ops]) => (
        <section key={tag} id={`tag-${tag}`} aria-label={tag}>
          <h2>{tag}</h2>
          {doc.tags?.find((t) => t.name === tag)?.description && <p>{doc.tags.find((t) => t.name === tag)!.description}</p>}
          {ops.map(([method, path, op]) => (
            <details key={`${method} ${path}`} class="operation">
              <summary><span class={`method method-${method}`}>{method.toUpperCase()}</span> <code>/api{path}</code> <span>{op.summary && <Inline text={op.summary} />}</span></summary>
              {op.description && <Paragraphs text={op.description} />}
              {op.security && op.security.length === 0 && <p>No credential needed.</p>}
              {op.parameters && op.parameters.length > 0 && (
                <table>
                  <caption>Parameters</caption>
                  <thead><tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Required</th><th scope="col">About</th></tr></thead>
                  <tbody>{op.parameters.map(resolve).map((p) => (
                    <tr key={`${p.in}-${p.name}`}><td><code>{p.name}</code></td><td>{p.in}</td><td>{p.required ? 'yes' : 'no'}</td><td>{p.description ?? ''}</td></tr>
                  ))}</tbody>
                </table>
              )}
              {op.requestBody?.content && <p>Body: {Object.keys(op.requestBody.content).join(', ')}.</p>}
              <table>
                <caption>Responses</caption>
                <thead><tr><th scope="col">Status</th><th scope="col">Meaning</th></tr></thead>
                <tbody>{Object.entries(op.responses ?? {}).map(([code, r]) => (
                  <tr key={code}><td>{code}</td><td>{r.description ?? (r.$ref ? doc.components?.responses?.[r.$ref.split('/').pop()!]?.description : '')}</td></tr>
                ))}</tbody>
              </table>
            </details>
          ))}
        </section>
      ))}
    </div>
  );
}

/** Markdown-ish text as paragraphs, with `code` spans. */
function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text.split(/\n\s*\n/).map((para, i) => (
        <p key={i}><Inline text={para} /></p>
      ))}
    </>
  );
}

/** One line of such text: `code` spans as code, line breaks as spaces. */
function Inline({ text }: { text: string }) {
  return <>{text.split('`').map((part, j) => (j % 2 ? <code key={j}>{part}</code> : part.replace(/\s*\n\s*/g, ' ')))}</>;
}

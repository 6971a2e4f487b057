/**
 * Run: pick a sample, open or paste an API-format workflow, edit its primitive inputs (a form from
 * /object_info), upload input images, submit (POST /api/v2/jobs) and watch it: a live progress bar
 * with the running node and step, outputs as they arrive.
 */
import type { Ref } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import samples from 'darkroom:samples';
import { call, messageOf, send, TERMINAL, type Job, type Output, type Progress } from '../api';
import { followJob } from '../follow';
import { fieldsOf, parseWorkflow, randomSeed, withInput, type Field, type ObjectInfo, type Workflow } from '../workflow';
import { ErrorText, StatusBadge } from '../ui';
import { OutputView } from './outputs';

const PRETTY = (w: unknown) => JSON.stringify(w, null, 2);

export function RunPage() {
  const [sample, setSample] = useState(samples[0]?.name ?? '');
  const [text, setText] = useState(() => PRETTY(samples[0]?.workflow ?? {}));
  // Null until /object_info has answered (or failed): the form's field kinds depend on it.
  const [info, setInfo] = useState<ObjectInfo | null>(null);
  const [infoError, setInfoError] = useState<string | null>(null);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [job, setJob] = useState<Job | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [outputs, setOutputs] = useState<Output[]>([]);
  const [streamError, setStreamError] = useState<string | null>(null);
  const stop = useRef<(() => void) | null>(null);
  const progressHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    call<ObjectInfo>('GET', '/api/object_info').then(setInfo, (e) => { setInfoError(messageOf(e)); setInfo({}); });
    return () => stop.current?.();
  }, []);

  const parsed = useMemo((): { workflow: Workflow | null; error: string | null } => {
    try {
      return { workflow: parseWorkflow(text), error: null };
    } catch (e) {
      return { workflow: null, error: (e as Error).message };
    }
  }, [text]);
  const fields = useMemo(() => (parsed.workflow && info ? fieldsOf(parsed.workflow, info) : []), [parsed.workflow, info]);

  const setField = (field: Field, value: unknown) => {
    if (parsed.workflow) setText(PRETTY(withInput(parsed.workflow, field.nodeId, field.name, value)));
  };

  const pickSample = (name: string) => {
    setSample(name);
    const chosen = samples.find((s) => s.name === name);
    if (chosen) setText(PRETTY(chosen.workflow));
  };

  const openFile = async (file: File | undefined) => {
    if (!file) return;
    setSample('');
    setText(await file.text());
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!parsed.workflow) return;
    stop.current?.();
    setSubmitting(true);
    setSubmitError(null);
    setStreamError(null);
    setJob(null);
    setProgress(null);
    setOutputs([]);
    try {
      const created = await call<Job>('POST', '/api/v2/jobs', { prompt: parsed.workflow, client_id: 'darkroom-console' });
      setJob(created);
      // Keyboard and screen-reader users land on the run they started.
      setTimeout(() => progressHeading.current?.focus(), 0);
      stop.current = followJob(created.id, {
        job: (j) => {
          setJob(j);
          if (j.progress) setProgress(j.progress);
          setOutputs((known) => merge(known, j.outputs));
        },
        progress: setProgress,
        output: (o) => setOutputs((known) => merge(known, [o])),
        end: (status) => setJob((j) => (j ? { ...j, status } : j)),
        failed: setStreamError,
      });
    } catch (e) {
      setSubmitError(messageOf(e));
    } finally {
      setSubmitting(false);
    }
  };

  const cancel = async () => {
    if (!job) return;
    try {
      setJob(await call<Job>('POST', `/api/v2/jobs/${encodeURIComponent(job.id)}/cancel`));
    } catch (e) {
      setStreamError(messageOf(e));
    }
  };

  return (
    <div class="run">
      <h1>Run a workflow</h1>
      <form onSubmit={submit} aria-describedby="workflow-help">
        <div class="source">
          <label>
            Sample workflow
            <select value={sample} onChange={(e) => pickSample((e.target as HTMLSelectElement).value)} name="sample">
              <option value="">(your own)</option>
              {samples.map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
            </select>
          </label>
          <label>
            Open a workflow file
            <input type="file" accept="application/json,.json" onChange={(e) => openFile((e.target as HTMLInputElement).files?.[0])} />
          </label>
        </div>
        <details>
          <summary>Workflow JSON (ComfyUI API format)</summary>
          <p id="workflow-help" class="hint">Paste a workflow exported with ComfyUI's "Save (API Format)", or edit the one above.</p>
          <label class="block">
            Workflow JSON
            <textarea name="workflow" rows={14} spellcheck={false} value={text}
              onInput={(e) => { setSample(''); setText((e.target as HTMLTextAreaElement).value); }} />
          </label>
        </details>
        <ErrorText message={parsed.error} />
        <ErrorText message={infoError && `The node list could not be read, so inputs are judged by their values. ${infoError}`} />
        {!info && <p role="status">Reading the engine's node list…</p>}
        {fields.length > 0 && (
          <fieldset class="inputs">
            <legend>Inputs</legend>
            {groupByNode(fields).map(([nodeId, group]) => (
              <div class="node" key={nodeId}>
                <h3>{group[0].nodeTitle} <span class="muted">node {nodeId}</span></h3>
                {group.map((field) => <InputField key={`${nodeId}.${field.name}`} field={field} onChange={(v) => setField(field, v)} />)}
              </div>
            ))}
          </fieldset>
        )}
        <div class="actions form-actions">
          <button type="submit" class="primary" disabled={!parsed.workflow || submitting}>
            {submitting ? 'Submitting…' : 'Run'}
          </button>
          {job && !TERMINAL.has(job.status) && <button type="button" onClick={cancel}>Cancel</button>}
        </div>
        <ErrorText message={submitError} />
      </form>
      {job && (
        <RunProgress heading={progressHeading} job={job} progress={progress} workflow={parsed.workflow} outputs={outputs} streamError={streamError} />
      )}
    </div>
  );
}

function merge(known: Output[], more: Output[]): Output[] {
  const key = (o: Output) => `${o.node_id}/${o.subfolder}/${o.filename}`;
  const byKey = new Map(known.map((o) => [key(o), o]));
  for (const o of more) byKey.set(key(o), { ...byKey.get(key(o)), ...o });
  return [...byKey.values()];
}

function groupByNode(fields: Field[]): [string, Field[]][] {
  const groups = new Map<string, Field[]>();
  for (const f of fields) groups.set(f.nodeId, [...(groups.get(f.nodeId) ?? []), f]);
  return [...groups.entries()];
}

function InputField({ field, onChange }: { field: Field; onChange: (value: unknown) => void }) {
  const id = `input-${field.nodeId}-${field.name}`;
  const label = <label for={id}>{field.name.replace(/_/g, ' ')}</label>;
  const number = (e: Event) => {
    const raw = (e.target as HTMLInputElement).value;
    const value = field.kind === 'int' ? Number.parseInt(raw, 10) : Number.parseFloat(raw);
    if (!Number.isNaN(value)) onChange(value);
  };
  switch (field.kind) {
    case 'int':
    case 'float':
      return (
        <div class="field">
          {label}
          <span class="with-button">
            <input id={id} type="number" value={String(field.value)} min={field.min} max={field.max} step={field.step} onChange={number} />
            {field.seed && (
              <button type="button" class="quiet" onClick={() => onChange(randomSeed(field.min, field.max))}
                aria-label={`New random ${field.name}`}>Random</button>
            )}
          </span>
        </div>
      );
    case 'boolean':
      return (
        <div class="field check">
          <input id={id} type="checkbox" checked={Boolean(field.value)} onChange={(e) => onChange((e.target as HTMLInputElement).checked)} />
          {label}
        </div>
      );
    case 'choice':
      return (
        <div class="field">
          {label}
          <select id={id} value={String(field.value)} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
            {withCurrent(field.choices ?? [], String(field.value)).map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </div>
      );
    case 'image':
      return <ImageField id={id} field={field} onChange={onChange} />;
    case 'multiline':
      return (
        <div class="field wide">
          {label}
          <textarea id={id} rows={3} value={String(field.value)} onInput={(e) => onChange((e.target as HTMLTextAreaElement).value)} />
        </div>
      );
    default:
      return (
        <div class="field">
          {label}
          <input id={id} type="text" value={String(field.value)} onInput={(e) => onChange((e.target as HTMLInputElement).value)} />
        </div>
      );
  }
}

/** A value the engine does not list stays choosable, so the form never changes a workflow by itself. */
function withCurrent(choices: string[], current: string): string[] {
  return choices.includes(current) ? choices : [current, ...choices];
}

/** An image input: one the engine has, or a file uploaded now (POST /upload/image). */
function ImageField({ id, field, onChange }: { id: string; field: Field; onChange: (value: unknown) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const upload = async (file: File | undefined) => {
    if (!file) return;
    setUploading(true);
    setError(null);
    try {
      const form = new FormData();
      form.append('image', file, file.name);
      const answer = await (await send('POST', '/api/upload/image', form)).json() as { name: string; subfolder: string; type: string };
      onChange(`${answer.subfolder ? `${answer.subfolder}/` : ''}${answer.name} [${answer.type}]`);
    } catch (e) {
      setError(`The image was not uploaded. ${messageOf(e)}`);
    } finally {
      setUploading(false);
    }
  };
  return (
    <div class="field wide">
      <label for={id}>{field.name.replace(/_/g, ' ')}</label>
      <select id={id} value={String(field.value)} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {withCurrent(field.choices ?? [], String(field.value)).map((c) => <option key={c} value={c}>{c}</option>)}
      </select>
      <label class="upload">
        Upload an image for {field.name}
        <input type="file" accept="image/png,image/jpeg,image/webp,image/gif" disabled={uploading}
          onChange={(e) => upload((e.target as HTMLInputElement).files?.[0])} />
      </label>
      {uploading && <span role="status">Uploading…</span>}
      <ErrorText message={error} />
    </div>
  );
}

function RunProgress({ heading, job, progress, workflow, outputs, streamError }: {
  heading: Ref<HTMLHeadingElement>; job: Job; progress: Progress | null; workflow: Workflow | null; outputs: Output[]; streamError: string | null;
}) {
  const node = progress?.node_id ? workflow?.[progress.node_id] : undefined;
  const nodeName = progress?.node_id ? `${node?._meta?.title ?? node?.class_type ?? 'node'} (node ${progress.node_id})` : null;
  const running = job.status === 'running';
  const percent = progress && progress.max > 0 ? Math.round((100 * progress.value) / progress.max) : 0;
  let words: string;
  if (job.status === 'queued') words = job.queue_position ? `Queued: number ${job.queue_position} in line.` : 'Queued.';
  else if (job.status === 'dispatched') words = 'Starting a GPU task for it.';
  else if (running && progress && nodeName) words = `Running ${nodeName}: step ${progress.value} of ${progress.max} (${percent}%).`;
  else if (running) words = 'Running.';
  else if (job.status === 'succeeded') words = `Done: ${outputs.length} output${outputs.length === 1 ? '' : 's'}.`;
  else if (job.status === 'failed') words = `Failed${job.error?.message ? `: ${job.error.message}` : '.'}`;
  else if (job.status === 'cancelled') words = 'Cancelled.';
  else if (job.status === 'timed_out') words = 'Timed out.';
  else words = `${job.status}.`;
  return (
    <section class="progress" aria-label="This run">
      <h2 ref={heading} tabIndex={-1}>Job <a href={`#/jobs/${encodeURIComponent(job.id)}`}><code>{job.id}</code></a> <StatusBadge status={job.status} /></h2>
      <progress max={100} value={job.status === 'succeeded' ? 100 : running ? percent : undefined} aria-label="Progress of the running node" />
      <p role="status" aria-live="polite" data-run-status={job.status}>{words}</p>
      {job.error && job.status === 'failed' && (
        <p class="error">{job.error.node_id ? `Node ${job.error.node_id}: ` : ''}{job.error.type ? `${job.error.type}: ` : ''}{job.error.message}</p>
      )}
      <ErrorText message={streamError} />
      {outputs.length > 0 && (
        <ul class="outputs" aria-label="Outputs">
          {outputs.map((o) => <li key={`${o.node_id}/${o.filename}`}><OutputView output={o} /></li>)}
        </ul>
      )}
    </section>
  );
}

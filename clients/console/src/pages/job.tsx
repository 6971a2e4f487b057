/**
 * One job: its status, timings, outputs, the error as ComfyUI reported it, and the prompt that ran
 * (from /history/{id}, ComfyUI's own record, which also carries the execution messages).
 */
import { useEffect, useState } from 'preact/hooks';
import { call, messageOf, TERMINAL, type Job } from '../api';
import { ErrorText, StatusBadge, when } from '../ui';
import { OutputView } from './outputs';

interface HistoryEntry {
  prompt: [number, string, Record<string, unknown>, Record<string, unknown>, string[]];
  status: { status_str: string; completed: boolean; messages: [string, Record<string, unknown>][] };
}

/** The failed node as "3 (KSampler)": its type from the error, else from the prompt that ran. */
function nodeOf(error: Record<string, unknown>, prompt: Record<string, unknown> | undefined): string {
  const id = String(error.node_id ?? '');
  const type = error.node_type ?? (prompt?.[id] as { class_type?: string } | undefined)?.class_type;
  return type ? `${id} (${String(type)})` : id;
}

export function JobPage({ id }: { id: string }) {
  const [job, setJob] = useState<Job | null>(null);
  const [history, setHistory] = useState<HistoryEntry | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    try {
      const found = await call<Job>('GET', `/api/v2/jobs/${encodeURIComponent(id)}`);
      setJob(found);
      const entries = await call<Record<string, HistoryEntry>>('GET', `/api/history/${encodeURIComponent(id)}`);
      setHistory(entries[id] ?? null);
    } catch (e) {
      setError(e instanceof Error && 'status' in e && e.status === 404 ? 'There is no such job of yours.' : messageOf(e));
    }
  };
  useEffect(() => {
    void load();
    // Until it ends, the page follows the job by reading it again every few seconds.
    const timer = setInterval(() => { if (!job || !TERMINAL.has(job.status)) void load(); }, 3000);
    return () => clearInterval(timer);
  }, [id, job?.status]);

  const cancel = async () => {
    try {
      setJob(await call<Job>('POST', `/api/v2/jobs/${encodeURIComponent(id)}/cancel`));
    } catch (e) {
      setError(messageOf(e));
    }
  };

  if (error) return <div><h1>Job</h1><ErrorText message={error} /></div>;
  if (!job) return <p role="status">Loading the job…</p>;
  const executionError = history?.status.messages.find(([kind]) => kind === 'execution_error')?.[1];
  const started = history?.status.messages.find(([kind]) => kind === 'execution_start')?.[1]?.timestamp as number | undefined;
  const ended = history?.status.messages.find(([kind]) => kind === 'execution_success' || kind === 'execution_error'
    || kind === 'execution_interrupted')?.[1]?.timestamp as number | undefined;
  return (
    <div class="job">
      <h1>Job <code>{job.id}</code> <StatusBadge status={job.status} /></h1>
      <p><a href="#/jobs">Back to all jobs</a></p>
      <dl class="facts">
        <dt>Created</dt><dd>{when(job.created_at)}</dd>
        <dt>Last change</dt><dd>{when(job.updated_at)}</dd>
        {started && <><dt>Started running</dt><dd>{when(new Date(started).toISOString())}</dd></>}
        {started && ended && <><dt>Ran for</dt><dd>{((ended - started) / 1000).toFixed(1)} s</dd></>}
        {job.queue_position && <><dt>Place in line</dt><dd>{job.queue_position}</dd></>}
        {job.progress && <><dt>Progress</dt><dd>node {job.progress.node_id}: step {job.progress.value} of {job.progress.max}</dd></>}
      </dl>
      {!TERMINAL.has(job.status) && <button type="button" onClick={cancel}>Cancel this job</button>}
      {job.error && (
        <section aria-label="Error">
          <h2>Error</h2>
          <p class="error">{job.error.node_id ? `Node ${job.error.node_id}: ` : ''}{job.error.type ? `${job.error.type}: ` : ''}{job.error.message}</p>
          {executionError && (
            <dl class="facts">
              <dt>Node</dt><dd>{nodeOf(executionError, history?.prompt[2])}</dd>
              <dt>Exception</dt><dd>{String(executionError.exception_type ?? '')}: {String(executionError.exception_message ?? '')}</dd>
            </dl>
          )}
        </section>
      )}
      {job.outputs.length > 0 && (
        <section aria-label="Outputs">
          <h2>Outputs</h2>
          <ul class="outputs">{job.outputs.map((o) => <li key={`${o.node_id}/${o.filename}`}><OutputView output={o} /></li>)}</ul>
        </section>
      )}
      {history && (
        <section aria-label="Prompt">
          <h2>Prompt</h2>
          <details>
            <summary>The workflow that ran (API format)</summary>
            <pre class="json">{JSON.stringify(history.prompt[2], null, 2)}</pre>
          </details>
        </section>
      )}
    </div>
  );
}

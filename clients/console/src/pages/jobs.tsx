/** Jobs: the caller's jobs, newest first, filtered by status, a page at a time (cursor paging), with cancel. */
import { useEffect, useState } from 'preact/hooks';
import { call, JOB_STATUSES, messageOf, TERMINAL, type Job, type JobPage as Page, type JobStatus } from '../api';
import { ErrorText, StatusBadge, when } from '../ui';

const PAGE_SIZE = 20;

export function JobsPage() {
  const [status, setStatus] = useState<JobStatus | ''>('');
  // The cursors of the pages before this one, so "Previous" can go back.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];

  const load = async () => {
    setError(null);
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (cursor) query.set('cursor', cursor);
    if (status) query.set('status', status);
    try {
      setPage(await call<Page>('GET', `/api/v2/jobs?${query}`));
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useEffect(() => { void load(); }, [status, cursor]);

  const cancel = async (job: Job) => {
    try {
      const now = await call<Job>('POST', `/api/v2/jobs/${encodeURIComponent(job.id)}/cancel`);
      setNotice(now.status === 'cancelled' ? `Job ${job.id} is cancelled.` : `Job ${job.id} was asked to stop.`);
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <div>
      <h1>Jobs</h1>
      <div class="toolbar">
        <label>
          Status
          <select value={status} onChange={(e) => { setStatus((e.target as HTMLSelectElement).value as JobStatus | ''); setCursors([null]); }}>
            <option value="">any</option>
            {JOB_STATUSES.map((s) => <option key={s} value={s}>{s.replace('_', ' ')}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => load()}>Refresh</button>
      </div>
      <ErrorText message={error} />
      {notice && <p role="status">{notice}</p>}
      {page && page.jobs.length === 0 && <p>{status ? `No ${status.replace('_', ' ')} jobs.` : 'No jobs yet: run a workflow on the Run page.'}</p>}
      {page && page.jobs.length > 0 && (
        <table class="jobs">
          <caption class="sr-only">Your jobs, newest first</caption>
          <thead><tr><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Outputs</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {page.jobs.map((job) => (
              <tr key={job.id} data-job-id={job.id}>
                <td><a href={`#/jobs/${encodeURIComponent(job.id)}`}><code>{job.id.slice(0, 8)}</code><span class="sr-only"> (job {job.id})</span></a></td>
                <td><StatusBadge status={job.status} />{job.cancel_requested && !TERMINAL.has(job.status) && <span class="muted"> stopping</span>}</td>
                <td>{when(job.created_at)}</td>
                <td>{job.outputs.length}</td>
                <td>{!TERMINAL.has(job.status) && <button type="button" onClick={() => cancel(job)} aria-label={`Cancel job ${job.id}`}>Cancel</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pages of jobs">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>Previous page</button>
        <span>Page {cursors.length}</span>
        <button type="button" disabled={!page?.next_cursor} onClick={() => page?.next_cursor && setCursors([...cursors, page.next_cursor])}>Next page</button>
      </nav>
    </div>
  );
}

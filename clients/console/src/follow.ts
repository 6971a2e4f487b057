/**
 * Follows a job's Server-Sent Events (GET /api/v2/jobs/{id}/events) the way a browser must: a
 * single-use stream ticket in the URL (POST /api/v2/stream-tickets), never a credential. A stream
 * that breaks off is reopened with a fresh ticket; its first event is the job as it is, so nothing
 * is lost.
 */
import { call, messageOf, TERMINAL, type Job, type JobStatus, type Output, type Progress } from './api';

export interface JobListener {
  job(job: Job): void;
  progress(progress: Progress): void;
  output(output: Output): void;
  end(status: JobStatus): void;
  failed(message: string): void;
}

const MAX_REOPENS = 5;

/** Starts following; the returned function stops. */
export function followJob(id: string, listener: JobListener): () => void {
  let source: EventSource | null = null;
  let stopped = false;
  let reopens = 0;
  const path = `/api/v2/jobs/${encodeURIComponent(id)}`;

  const finish = (status: JobStatus) => {
    stopped = true;
    source?.close();
    listener.end(status);
  };

  const recover = async () => {
    try {
      const job = await call<Job>('GET', path);
      listener.job(job);
      if (TERMINAL.has(job.status)) {
        finish(job.status);
      } else if (reopens++ < MAX_REOPENS) {
        setTimeout(open, 500 * reopens);
      } else {
        stopped = true;
        listener.failed('The live progress of this job broke off. Its page in Jobs shows where it is.');
      }
    } catch (e) {
      stopped = true;
      listener.failed(messageOf(e));
    }
  };

  const open = async () => {
    if (stopped) return;
    let ticket: string;
    try {
      ticket = (await call<{ ticket: string }>('POST', '/api/v2/stream-tickets', { purpose: 'sse' })).ticket;
    } catch (e) {
      stopped = true;
      listener.failed(messageOf(e));
      return;
    }
    if (stopped) return;
    const events = new EventSource(`${path}/events?ticket=${encodeURIComponent(ticket)}`);
    source = events;
    const data = (e: Event) => JSON.parse((e as MessageEvent<string>).data);
    events.addEventListener('status', (e) => listener.job(data(e) as Job));
    events.addEventListener('progress', (e) => listener.progress((data(e) as { progress: Progress }).progress));
    events.addEventListener('output', (e) => listener.output((data(e) as { output: Output }).output));
    events.addEventListener('thumbnail', (e) => listener.output((data(e) as { output: Output }).output));
    events.addEventListener('end', (e) => finish((data(e) as { status: JobStatus }).status));
    events.addEventListener('error', (e) => {
      events.close();
      if (stopped) return;
      if (e instanceof MessageEvent && typeof e.data === 'string' && e.data) {
        // The server's own error event: the credential was revoked while the stream was open.
        stopped = true;
        const message = (JSON.parse(e.data) as { error?: { message?: string } }).error?.message;
        listener.failed(message ? `The stream was closed: ${message}.` : 'The stream was closed by the server.');
        return;
      }
      void recover();
    });
  };

  void open();
  return () => {
    stopped = true;
    source?.close();
  };
}

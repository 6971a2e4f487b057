/** Webhooks: add an endpoint (its signing secret shown once), rotate its secret, delete it, see its last deliveries. */
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call, messageOf, type Webhook, type WebhookDelivery } from '../api';
import { ErrorText, ShownOnce, when } from '../ui';

export function WebhooksPage() {
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [url, setUrl] = useState('');
  const [jobId, setJobId] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    try {
      setHooks((await call<{ webhooks: Webhook[] }>('GET', '/api/v2/webhooks')).webhooks);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useEffect(() => { void load(); }, []);

  const act = async (work: () => Promise<Webhook | void>) => {
    setError(null);
    try {
      const answer = await work();
      setSecret(answer && answer.secret ? answer.secret : null);
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const add = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      const hook = await call<Webhook>('POST', '/api/v2/webhooks', jobId ? { url, job_id: jobId } : { url });
      setUrl('');
      setJobId('');
      return hook;
    });
  };

  return (
    <div>
      <h1>Webhooks</h1>
      <p>Darkroom calls each endpoint when one of your jobs ends, signed as Standard Webhooks describes.</p>
      <form onSubmit={add} class="toolbar">
        <label>Endpoint URL <input type="url" required value={url} placeholder="https://example.com/darkroom-hook"
          onInput={(e) => setUrl((e.target as HTMLInputElement).value)} /></label>
        <label>Only for job (optional) <input type="text" value={jobId} onInput={(e) => setJobId((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" class="primary">Add the endpoint</button>
      </form>
      {secret && <ShownOnce label="The endpoint's signing secret." value={secret} />}
      <ErrorText message={error} />
      {hooks && hooks.length === 0 && <p>You have no webhook endpoints.</p>}
      {hooks && hooks.length > 0 && (
        <table>
          <caption class="sr-only">Your webhook endpoints</caption>
          <thead><tr><th scope="col">URL</th><th scope="col">Jobs</th><th scope="col">Added</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {hooks.map((hook) => (
              <Fragment key={hook.id}>
                <tr>
                  <td><code>{hook.url}</code></td>
                  <td>{hook.job_id ? <a href={`#/jobs/${encodeURIComponent(hook.job_id)}`}>{hook.job_id.slice(0, 8)}</a> : 'every job'}</td>
                  <td>{when(hook.created_at)}</td>
                  <td class="row-actions">
                    <button type="button" onClick={() => act(() => call<Webhook>('POST', `/api/v2/webhooks/${encodeURIComponent(hook.id)}/rotate`))}
                      aria-label={`Rotate the secret of ${hook.url}`}>Rotate secret</button>
                    <button type="button" onClick={() => act(() => call('DELETE', `/api/v2/webhooks/${encodeURIComponent(hook.id)}`))}
                      aria-label={`Delete ${hook.url}`}>Delete</button>
                  </td>
                </tr>
                <tr class="deliveries-row">
                  <td colSpan={4}><Deliveries hook={hook} /></td>
                </tr>
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

const OUTCOMES: Record<WebhookDelivery['outcome'], { text: string; badge: string }> = {
  delivered: { text: 'Delivered', badge: 'badge-succeeded' },
  failed: { text: 'Failed, tried again', badge: 'badge-running' },
  given_up: { text: 'Given up', badge: 'badge-failed' },
};

/** What the receiver answered: its HTTP status, else why there was no answer (without a Java exception's class name). */
function answerOf(attempt: WebhookDelivery): string {
  const status = attempt.status_code === null ? '' : `HTTP ${attempt.status_code}`;
  const reason = (attempt.error ?? '').replace(/^(?:[a-z_]\w*\.)+[A-Z]\w*(?:Exception|Error): /, '');
  const error = reason && !(status && reason === status) ? reason : '';
  return [status, error].filter(Boolean).join(': ') || '—';
}

/** One endpoint's latest delivery attempts, fetched when the disclosure is opened (and again on demand). */
function Deliveries({ hook }: { hook: Webhook }) {
  const [attempts, setAttempts] = useState<WebhookDelivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = async () => {
    setLoading(true);
    setError(null);
    try {
      const answer = await call<{ deliveries: WebhookDelivery[] }>('GET',
        `/api/v2/webhooks/${encodeURIComponent(hook.id)}/deliveries?limit=20`);
      setAttempts(answer.deliveries);
    } catch (e) {
      setError(`The deliveries could not be loaded. ${messageOf(e)}`);
    } finally {
      setLoading(false);
    }
  };

  const toggled = (event: Event) => {
    if ((event.currentTarget as HTMLDetailsElement).open && attempts === null) void load();
  };

  return (
    <details class="deliveries" onToggle={toggled}>
      <summary aria-label={`Deliveries to ${hook.url}`}>Deliveries</summary>
      <div aria-live="polite" aria-busy={loading}>
        <ErrorText message={error} />
        {loading && attempts === null && <p class="hint">Loading the deliveries…</p>}
        {attempts && attempts.length === 0 && <p class="hint">Nothing has been sent to this endpoint yet.</p>}
        {attempts && attempts.length > 0 && (
          <table class="deliveries">
            <caption>{attempts.length === 1 ? `The last attempt to ${hook.url}` : `The last ${attempts.length} attempts to ${hook.url}, newest first`}</caption>
            <thead><tr><th scope="col">When</th><th scope="col">Job</th><th scope="col">Outcome</th><th scope="col">Status</th></tr></thead>
            <tbody>
              {attempts.map((attempt) => (
                <tr key={`${attempt.notification_id}/${attempt.attempt}`}>
                  <td>{when(attempt.at)}{attempt.duration_ms !== null && <span class="muted"> ({attempt.duration_ms} ms)</span>}</td>
                  <td>
                    {attempt.job_id
                      ? <a href={`#/jobs/${encodeURIComponent(attempt.job_id)}`}>{attempt.job_id.slice(0, 8)}</a>
                      : <span class="muted">unknown</span>}
                    {attempt.event && <span class="muted"> {attempt.event.replace('_', ' ')}</span>}
                  </td>
                  <td><span class={`badge ${OUTCOMES[attempt.outcome]?.badge ?? ''}`}>{OUTCOMES[attempt.outcome]?.text ?? attempt.outcome}</span>
                    <span class="muted"> attempt {attempt.attempt}</span></td>
                  <td>{answerOf(attempt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <button type="button" class="quiet" onClick={() => void load()} disabled={loading}
          aria-label={`Refresh the deliveries to ${hook.url}`}>Refresh</button>
      </div>
    </details>
  );
}

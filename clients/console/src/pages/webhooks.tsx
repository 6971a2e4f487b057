/** Webhooks: add an endpoint (its signing secret shown once), rotate its secret, delete it. */
import { useEffect, useState } from 'preact/hooks';
import { call, messageOf, type Webhook } from '../api';
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
              <tr key={hook.id}>
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
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** API keys: create (shown once), list, revoke. Creating and revoking need a recent Firebase sign-in. */
import { useEffect, useState } from 'preact/hooks';
import { call, messageOf, type ApiKey } from '../api';
import { ErrorText, ShownOnce, when } from '../ui';

export function KeysPage({ authOn }: { authOn: boolean }) {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    try {
      setKeys((await call<{ keys: ApiKey[] }>('GET', '/api/v2/keys')).keys);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useEffect(() => { void load(); }, []);

  const create = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const key = await call<ApiKey & { key: string }>('POST', '/api/v2/keys', name ? { name } : {});
      setCreated(key.key);
      setName('');
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const revoke = async (key: ApiKey) => {
    setError(null);
    try {
      await call('DELETE', `/api/v2/keys/${encodeURIComponent(key.id)}`);
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <div>
      <h1>API keys</h1>
      <p>A key lets a program call Darkroom as you (header <code>X-API-Key</code> or <code>Authorization: Bearer</code>).
        {authOn ? ' Creating or revoking one needs a sign-in of the last few minutes.' : ' With authentication off, keys are not needed and cannot be created.'}</p>
      <form onSubmit={create} class="toolbar">
        <label>Name of the new key <input type="text" value={name} maxLength={100} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" class="primary">Create a key</button>
      </form>
      {created && <ShownOnce label="Your new key." value={created} />}
      <ErrorText message={error} />
      {keys && keys.length === 0 && <p>You have no keys.</p>}
      {keys && keys.length > 0 && (
        <table>
          <caption class="sr-only">Your API keys</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id} data-key-id={key.id}>
                <td>{key.name || '(no name)'}</td>
                <td><code>{key.prefix}</code></td>
                <td>{when(key.created_at)}</td>
                <td>{when(key.last_used_at)}</td>
                <td>{key.revoked_at ? `revoked ${when(key.revoked_at)}` : 'active'}</td>
                <td>{!key.revoked_at && <button type="button" onClick={() => revoke(key)} aria-label={`Revoke key ${key.name || key.prefix}`}>Revoke</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Sign in (or create an account) with Firebase Authentication's email and password. */
import { useState } from 'preact/hooks';
import type { Session } from '../auth';
import { authFailure } from '../auth-errors';
import { ErrorText } from '../ui';

export function SignInPage({ session }: { session: Session }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const go = async (event: Event, how: 'in' | 'up') => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await (how === 'in' ? session.signIn(email, password) : session.signUp(email, password));
    } catch (e) {
      setError(authFailure(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="signin">
      <h1>Sign in</h1>
      <form onSubmit={(e) => go(e, 'in')}>
        <label class="block">Email <input type="email" name="email" autocomplete="username" required value={email}
          onInput={(e) => setEmail((e.target as HTMLInputElement).value)} /></label>
        <label class="block">Password <input type="password" name="password" autocomplete="current-password" required value={password}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)} /></label>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>Sign in</button>
          <button type="button" disabled={busy} onClick={(e) => go(e, 'up')}>Create an account</button>
        </div>
        <ErrorText message={error} />
      </form>
    </div>
  );
}

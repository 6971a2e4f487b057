import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { loadConfig, type ConsoleConfig } from './config';
import type { Session } from './auth';
import { ErrorText } from './ui';
import { RunPage } from './pages/run';
import { DeploymentPage, DeploymentsPage } from './pages/deployments';
import { JobsPage } from './pages/jobs';
import { JobPage } from './pages/job';
import { GalleryPage } from './pages/gallery';
import { KeysPage } from './pages/keys';
import { WebhooksPage } from './pages/webhooks';
import { ReferencePage } from './pages/reference';
import { SignInPage } from './pages/signin';
import './style.css';

const PAGES = [
  { path: 'run', label: 'Run' },
  { path: 'deployments', label: 'Deployments' },
  { path: 'jobs', label: 'Jobs' },
  { path: 'gallery', label: 'Gallery' },
  { path: 'keys', label: 'API keys' },
  { path: 'webhooks', label: 'Webhooks' },
  { path: 'reference', label: 'API reference' },
];

/** The page is the URL's fragment (#/jobs/ID), so any server that serves index.html at / serves every page. */
function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route.length ? route : ['run'];
}

type User = { email: string | null; uid: string } | null;

function App({ config }: { config: ConsoleConfig }) {
  const route = useRoute();
  const [session, setSession] = useState<Session | null>(null);
  const [user, setUser] = useState<User | undefined>(config.auth ? undefined : null);
  const [authError, setAuthError] = useState<string | null>(null);

  useEffect(() => {
    if (!config.auth) return;
    // The Firebase SDK is loaded only when auth is on.
    import('./auth').then(({ startAuth }) => setSession(startAuth(config, setUser)))
      .catch(() => setAuthError('Sign-in could not be started.'));
  }, [config]);

  useEffect(() => {
    const page = PAGES.find((p) => p.path === route[0]);
    document.title = `${page?.label ?? 'Job'} · Darkroom console`;
  }, [route[0]]);

  const signedOut = config.auth && !user;
  let page;
  if (authError) page = <ErrorText message={authError} />;
  else if (config.auth && user === undefined) page = <p role="status">Checking your sign-in…</p>;
  else if (signedOut && route[0] !== 'reference') page = session ? <SignInPage session={session} /> : <p role="status">Loading sign-in…</p>;
  else if (route[0] === 'jobs' && route[1]) page = <JobPage id={route[1]} />;
  else if (route[0] === 'jobs') page = <JobsPage />;
  else if (route[0] === 'deployments' && route[1]) page = <DeploymentPage name={route[1]} />;
  else if (route[0] === 'deployments') page = <DeploymentsPage />;
  else if (route[0] === 'gallery') page = <GalleryPage />;
  else if (route[0] === 'keys') page = <KeysPage authOn={config.auth} />;
  else if (route[0] === 'webhooks') page = <WebhooksPage />;
  else if (route[0] === 'reference') page = <ReferencePage />;
  else if (route[0] === 'run') page = <RunPage />;
  else page = <ErrorText message="There is no such page." />;

  return (
    <>
      <a class="skip" href="#main">Skip to the page</a>
      <header class="top">
        <a class="brand" href="#/run">Darkroom</a>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <a href={`#/${p.path}`} aria-current={route[0] === p.path ? 'page' : undefined}>{p.label}</a>
              </li>
            ))}
          </ul>
        </nav>
        {config.auth && user && (
          <div class="who">
            <span>Signed in as {user.email ?? user.uid}</span>
            <button type="button" class="quiet" onClick={() => session?.signOut()}>Sign out</button>
          </div>
        )}
      </header>
      <div class="notices">
        {config.simulatedEngine && (
          <p class="notice" data-notice="simulated-engine">
            <strong>Simulated engine.</strong> Workflows run on Darkroom's simulated ComfyUI: it executes core nodes on
            the CPU and draws procedural images, not what the models would make.
          </p>
        )}
        {config.auth && config.firebase?.authEmulatorUrl && (
          <p class="notice" data-notice="auth-emulator">
            <strong>Local sign-in.</strong> Accounts live in the Firebase Auth emulator on this machine, not in a real project.
          </p>
        )}
        {!config.auth && (
          <p class="notice" data-notice="auth-off">
            <strong>Authentication is off.</strong> Every request acts as the one local user; this Darkroom listens on
            this machine only.
          </p>
        )}
      </div>
      <main id="main" tabIndex={-1}>{page}</main>
    </>
  );
}

async function start() {
  const root = document.getElementById('app')!;
  try {
    const config = await loadConfig();
    root.textContent = '';
    render(<App config={config} />, root);
  } catch (e) {
    root.textContent = '';
    render(<main><ErrorText message={(e as Error).message} /></main>, root);
  }
}

void start();

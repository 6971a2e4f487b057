/**
 * Deployments: the user's saved workflows with typed inputs (GET /api/v2/deployments), and for one
 * of them a form built from its version's input schema; running it (POST .../runs) opens the job's
 * page, which follows it live.
 */
import { useEffect, useState } from 'preact/hooks';
import { call, messageOf, type Job } from '../api';
import { ErrorText, when } from '../ui';

interface Deployment {
  name: string; latest_version: number; default_version: number; pinned_version: number | null; updated_at: string;
}
/** One input's JSON Schema, as InputSchemas writes it. */
interface InputSchema {
  type: 'string' | 'integer' | 'number' | 'boolean'; enum?: string[]; minimum?: number; maximum?: number;
  default?: unknown; description?: string; 'x-darkroom-type': string;
}
interface Version {
  version: number;
  input_schema: { properties: Record<string, InputSchema>; required?: string[] };
}

export function DeploymentsPage() {
  const [deployments, setDeployments] = useState<Deployment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call<{ deployments: Deployment[] }>('GET', '/api/v2/deployments')
      .then((answer) => setDeployments(answer.deployments), (e) => setError(messageOf(e)));
  }, []);
  return (
    <div>
      <h1>Deployments</h1>
      <p>Workflows published with typed inputs (POST /api/v2/deployments): run one by filling in its inputs.</p>
      <ErrorText message={error} />
      {deployments && deployments.length === 0 && <p>You have no deployments.</p>}
      {deployments && deployments.length > 0 && (
        <table>
          <caption class="sr-only">Your deployments</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Runs use version</th><th scope="col">Latest version</th><th scope="col">Updated</th></tr></thead>
          <tbody>
            {deployments.map((d) => (
              <tr key={d.name}>
                <td><a href={`#/deployments/${encodeURIComponent(d.name)}`}>{d.name}</a></td>
                <td>{d.default_version}{d.pinned_version ? ' (pinned)' : ''}</td>
                <td>{d.latest_version}</td>
                <td>{when(d.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function DeploymentPage({ name }: { name: string }) {
  const [version, setVersion] = useState<Version | null>(null);
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const path = `/api/v2/deployments/${encodeURIComponent(name)}`;

  useEffect(() => {
    call<Deployment>('GET', path)
      .then((d) => call<Version>('GET', `${path}/versions/${d.default_version}`))
      .then(setVersion, (e) => setError(messageOf(e)));
  }, [name]);

  const run = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setRunning(true);
    try {
      // An input left empty is omitted: the run takes its default (a seed is drawn).
      const inputs = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '' && v !== undefined));
      const job = await call<Job>('POST', `${path}/runs`, { inputs, version: version?.version });
      location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setRunning(false);
    }
  };

  const set = (input: string) => (value: unknown) => setValues((all) => ({ ...all, [input]: value }));
  return (
    <div>
      <h1>Deployment {name}</h1>
      {version && (
        <form onSubmit={run} aria-label={`Run ${name}`}>
          <p>Version {version.version}. Inputs left empty take their default.</p>
          <fieldset class="inputs">
            <legend>Inputs</legend>
            {Object.entries(version.input_schema.properties).map(([input, schema]) => (
              <DeploymentField key={input} name={input} schema={schema}
                required={version.input_schema.required?.includes(input) ?? false} onChange={set(input)} />
            ))}
          </fieldset>
          <div class="form-actions">
            <button type="submit" class="primary" disabled={running}>Run {name}</button>
          </div>
        </form>
      )}
      <ErrorText message={error} />
    </div>
  );
}

function DeploymentField({ name, schema, required, onChange }: {
  name: string; schema: InputSchema; required: boolean; onChange: (value: unknown) => void;
}) {
  const id = `deployment-input-${name}`;
  const label = <label for={id}>{name}{required ? ' (required)' : ''}</label>;
  const hint = schema.description ? <small>{schema.description}</small> : null;
  const placeholder = schema.default === undefined ? '' : String(schema.default);
  if (schema.enum) {
    return (
      <div class="field">
        {label}
        <select id={id} required={required} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
          <option value="">{required ? 'Choose…' : `default${placeholder ? ` (${placeholder})` : ''}`}</option>
          {schema.enum.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
        {hint}
      </div>
    );
  }
  if (schema.type === 'boolean') {
    return (
      <div class="field check">
        <input id={id} type="checkbox" defaultChecked={schema.default === true} onChange={(e) => onChange((e.target as HTMLInputElement).checked)} />
        {label}
      </div>
    );
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    return (
      <div class="field">
        {label}
        <input id={id} type="number" required={required} placeholder={placeholder} min={schema.minimum} max={schema.maximum}
          step={schema.type === 'integer' ? 1 : 'any'}
          onInput={(e) => {
            const raw = (e.target as HTMLInputElement).value;
            onChange(raw === '' ? undefined : Number(raw));
          }} />
        {hint}
      </div>
    );
  }
  if (schema['x-darkroom-type'] === 'image') {
    return <ImageInput id={id} label={label} required={required} onChange={onChange} />;
  }
  return (
    <div class="field wide">
      {label}
      <textarea id={id} rows={2} required={required} placeholder={placeholder}
        onInput={(e) => onChange((e.target as HTMLTextAreaElement).value)} />
      {hint}
    </div>
  );
}

/** An image: an upload's name or a URL typed in, or a file picked here (sent as a data: URL and staged by the run). */
function ImageInput({ id, label, required, onChange }: {
  id: string; label: preact.JSX.Element; required: boolean; onChange: (value: unknown) => void;
}) {
  const [text, setText] = useState('');
  const pick = (file: File | undefined) => {
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      setText(`(${file.name})`);
      onChange(String(reader.result));
    };
    reader.readAsDataURL(file);
  };
  return (
    <div class="field wide">
      {label}
      <input id={id} type="text" required={required} value={text} placeholder="an upload's name or an https:// URL"
        onInput={(e) => {
          const value = (e.target as HTMLInputElement).value;
          setText(value);
          onChange(value);
        }} />
      <label class="upload">
        Or pick an image file
        <input type="file" accept="image/png,image/jpeg,image/webp,image/gif" onChange={(e) => pick((e.target as HTMLInputElement).files?.[0])} />
      </label>
    </div>
  );
}

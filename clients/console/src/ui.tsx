/** Small pieces every page uses. */
import type { ComponentChildren } from 'preact';
import type { JobStatus } from './api';

/** An error as a sentence, announced to screen readers. */
export function ErrorText({ message }: { message: string | null }) {
  return message ? <p class="error" role="alert">{message}</p> : null;
}

export function StatusBadge({ status }: { status: JobStatus }) {
  return <span class={`badge badge-${status}`}>{status.replace('_', ' ')}</span>;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A value shown once (a new key or signing secret), with a copy button. */
export function ShownOnce({ label, value }: { label: string; value: string }) {
  return (
    <div class="once" role="status">
      <p><strong>{label}</strong> It is shown this once: store it now.</p>
      <code data-secret>{value}</code>
      <button type="button" onClick={() => navigator.clipboard?.writeText(value)}>Copy</button>
    </div>
  );
}

/**
 * Darkroom's public API, as the console calls it: same origin, the signed-in user's ID token in a
 * header (none when auth is off), and every failure turned into a sentence a person can read.
 */

export type JobStatus = 'queued' | 'dispatched' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed_out' | 'lost';
export const JOB_STATUSES: JobStatus[] = ['queued', 'dispatched', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out', 'lost'];
export const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled', 'timed_out']);

export interface Progress { node_id: string | null; value: number; max: number }
export interface Output {
  node_id: string; kind: string; filename: string; subfolder: string; type: string;
  content_type: string | null; size: number; url: string; text?: string;
  thumbnail?: { url: string; width: number; height: number; content_type: string };
}
export interface Job {
  id: string; status: JobStatus; created_at: string; updated_at: string; queue_position: number | null;
  progress: Progress | null; outputs: Output[]; error: { type: string | null; message: string | null; node_id: string | null } | null;
  client_id: string | null; cancel_requested: boolean;
}
export interface JobPage { jobs: Job[]; next_cursor: string | null }
export interface ApiKey { id: string; prefix: string; name: string; tier: string; created_at: string; last_used_at: string | null; revoked_at: string | null }
export interface Webhook { id: string; url: string; job_id: string | null; created_at: string; secret?: string; note?: string }
/** One attempt to deliver a notification to a webhook endpoint (GET /api/v2/webhooks/{id}/deliveries). */
export interface WebhookDelivery {
  notification_id: string; job_id: string | null; event: string | null; attempt: number; at: string;
  outcome: 'delivered' | 'failed' | 'given_up'; status_code: number | null; error: string | null; duration_ms: number | null;
}

/** A failed call, with the sentence to show. */
export class ApiFailure extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

type TokenSource = () => Promise<string | null>;
let idToken: TokenSource = async () => null;

/** Where calls get the signed-in user's ID token (auth.ts sets it when auth is on). */
export function useIdTokens(source: TokenSource): void {
  idToken = source;
}

export async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const answer = await send(method, path, body, headers);
  if (answer.status === 204) return undefined as T;
  return (await answer.json()) as T;
}

/** The raw answer of a call that succeeded (2xx); a failure throws an {@link ApiFailure}. */
export async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const all: Record<string, string> = { ...headers };
  const token = await idToken();
  if (token) all.Authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    all['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let answer: Response;
  try {
    answer = await fetch(path, { method, headers: all, body: payload, cache: 'no-store' });
  } catch {
    throw new ApiFailure('Darkroom could not be reached. Check that it is running, then try again.', 0);
  }
  if (!answer.ok) {
    throw new ApiFailure(await failureSentence(answer), answer.status);
  }
  return answer;
}

/** What went wrong, in words: Darkroom's JSON errors, ComfyUI's prompt errors and plain-text errors alike. */
export async function failureSentence(answer: Response): Promise<string> {
  const text = await answer.text().catch(() => '');
  const retry = answer.headers.get('Retry-After');
  switch (answer.status) {
    case 401: return 'You are not signed in, or your sign-in has expired. Sign in and try again.';
    case 429: return `Too many requests just now. Try again${retry ? ` in ${retry} seconds` : ' shortly'}.`;
    case 503: return `Darkroom is busy or one of its services is unreachable. Try again${retry ? ` in ${retry} seconds` : ' shortly'}.`;
  }
  return sentence(describeBody(text) ?? `The server answered ${answer.status} ${answer.statusText}`.trim());
}

function describeBody(text: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // aiohttp's plain text: "400: Bad Request: why".
    const plain = text.trim().replace(/^\d{3}: [A-Za-z ]+?(: |$)/, '');
    return plain ? plain : null;
  }
  if (!parsed || typeof parsed !== 'object') return null;
  const error = (parsed as { error?: unknown }).error;
  const nodeErrors = (parsed as { node_errors?: Record<string, NodeError> }).node_errors;
  const parts: string[] = [];
  if (typeof error === 'string') parts.push(error);
  if (error && typeof error === 'object') {
    const e = error as { message?: string; details?: string };
    if (e.message) parts.push(e.details ? `${e.message.replace(/[.:]\s*$/, '')} (${e.details})` : e.message);
  }
  for (const [node, problem] of Object.entries(nodeErrors ?? {})) {
    for (const each of problem.errors ?? []) {
      parts.push(`node ${node} (${problem.class_type ?? 'unknown node'}): ${each.message}${each.details ? ` (${each.details})` : ''}`);
    }
  }
  return parts.length ? parts.map(sentence).join(' ') : null;
}

interface NodeError { class_type?: string; errors?: { message: string; details?: string }[] }

/** Starts with a capital and ends with a full stop. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const first = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiFailure) return error.message;
  if (error instanceof Error) return sentence(error.message);
  return 'Something went wrong.';
}

/** Gallery: thumbnails of the caller's outputs (succeeded jobs, newest first); full size on click. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, messageOf, type JobPage, type Output } from '../api';
import { ErrorText } from '../ui';

interface Item { jobId: string; output: Output }

export function GalleryPage() {
  const [items, setItems] = useState<Item[]>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Item | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  const more = async (cursor: string | null) => {
    const query = new URLSearchParams({ limit: '20', status: 'succeeded' });
    if (cursor) query.set('cursor', cursor);
    try {
      const page = await call<JobPage>('GET', `/api/v2/jobs?${query}`);
      const found = page.jobs.flatMap((job) => job.outputs
        .filter((o) => (o.content_type ?? '').startsWith('image/') || o.thumbnail)
        .map((output) => ({ jobId: job.id, output })));
      setItems((known) => (cursor ? [...known, ...found] : found));
      setNext(page.next_cursor);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useEffect(() => { void more(null); }, []);
  useEffect(() => {
    if (open) dialog.current?.showModal();
    else dialog.current?.close();
  }, [open]);

  return (
    <div>
      <h1>Gallery</h1>
      <ErrorText message={error} />
      {next !== undefined && items.length === 0 && <p>No images yet: run a workflow on the Run page.</p>}
      <ul class="gallery" aria-label="Your images">
        {items.map((item) => (
          <li key={item.output.url}>
            <button type="button" class="thumb" onClick={() => setOpen(item)}
              aria-label={`Open ${item.output.filename} of job ${item.jobId} at full size`}>
              <img src={item.output.thumbnail?.url ?? item.output.url} alt="" loading="lazy"
                width={item.output.thumbnail?.width} height={item.output.thumbnail?.height} />
            </button>
          </li>
        ))}
      </ul>
      {next && <button type="button" onClick={() => more(next)}>Show more</button>}
      <dialog ref={dialog} onClose={() => setOpen(null)} aria-label="Image at full size">
        {open && (
          <figure>
            <img src={open.output.url} alt={`${open.output.filename} of job ${open.jobId}`} />
            <figcaption>
              <a href={`#/jobs/${encodeURIComponent(open.jobId)}`} onClick={() => setOpen(null)}>Job {open.jobId.slice(0, 8)}</a>
              {' · '}<a href={open.output.url} download={open.output.filename}>Download</a>
              {' · '}<button type="button" onClick={() => setOpen(null)} autofocus>Close</button>
            </figcaption>
          </figure>
        )}
      </dialog>
    </div>
  );
}

/** One output of a job: its image (or text), with a download link. */
import type { Output } from '../api';

export function OutputView({ output }: { output: Output }) {
  const isImage = (output.content_type ?? '').startsWith('image/') || /\.(png|jpe?g|webp|gif)$/i.test(output.filename);
  const isVideo = (output.content_type ?? '').startsWith('video/');
  return (
    <figure class="output">
      {isImage && <img src={output.url} alt={`Output ${output.filename} of node ${output.node_id}`} loading="lazy" />}
      {isVideo && <video src={output.url} controls aria-label={`Output ${output.filename}`} />}
      {output.text !== undefined && <pre>{output.text}</pre>}
      <figcaption>
        <a href={output.url} download={output.filename}>Download {output.filename}</a>
        <span class="muted"> {formatSize(output.size)}</span>
      </figcaption>
    </figure>
  );
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

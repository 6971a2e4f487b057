// Builds the console into dist/: index.html at its root, the bundle and stylesheet under
// dist/console/ (the edge serves GET / and /console/...). Everything the page loads comes from
// here: no CDN, no web font, nothing from another host.
import * as esbuild from 'esbuild';
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
// The sample workflows are the repository's own (real ComfyUI API-format workflows the stack's tests run).
const samplesDir = path.join(here, '..', '..', 'emulators', 'stack', 'src', 'test', 'resources', 'workflows');
// The simulated engine runs these; sd1.5-img2img needs a custom node pack and is refused by it.
const samples = ['sd1.5-txt2img', 'sdxl-txt2img', 'sdxl-txt2img-with-refiner', 'flux-txt2img'];

const samplesModule = {
  name: 'darkroom-samples',
  setup(build) {
    build.onResolve({ filter: /^darkroom:samples$/ }, () => ({ path: 'samples', namespace: 'darkroom-samples' }));
    build.onLoad({ filter: /.*/, namespace: 'darkroom-samples' }, async () => {
      const present = new Set(await readdir(samplesDir));
      const entries = [];
      for (const name of samples) {
        if (!present.has(`${name}.json`)) throw new Error(`sample ${name}.json is missing from ${samplesDir}`);
        entries.push({ name, workflow: JSON.parse(await readFile(path.join(samplesDir, `${name}.json`), 'utf8')) });
      }
      return { contents: `export default ${JSON.stringify(entries)};`, loader: 'js', watchFiles: entries.map((e) => path.join(samplesDir, `${e.name}.json`)) };
    });
  },
};

await rm(dist, { recursive: true, force: true });
await mkdir(path.join(dist, 'console'), { recursive: true });
await esbuild.build({
  entryPoints: { app: path.join(here, 'src', 'main.tsx') },
  outdir: path.join(dist, 'console'),
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  // The Firebase SDK goes into a chunk of its own, loaded only when auth is on.
  splitting: true,
  chunkNames: 'chunk-[hash]',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'linked',
  plugins: [samplesModule],
  logLevel: 'warning',
});
await copyFile(path.join(here, 'src', 'index.html'), path.join(dist, 'index.html'));
await copyFile(path.join(here, 'src', 'favicon.svg'), path.join(dist, 'console', 'favicon.svg'));

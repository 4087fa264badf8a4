// Build: type-check and compile src/ to out/ (plain CommonJS modules, which
// the unit tests load), then bundle with esbuild:
//   dist/extension.js        the client (vscode-languageclient inside; `vscode` external)
//   dist/webview/graphviz.js @hpcc-js/wasm-graphviz (WebAssembly inlined) as a global
//   dist/webview/graph.js    the graph page's script
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production') || process.env.NODE_ENV === 'production';

rmSync(path.join(root, 'out'), { recursive: true, force: true });
rmSync(path.join(root, 'dist'), { recursive: true, force: true });

const tsc = require.resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', root], { stdio: 'inherit' });

const common = { bundle: true, logLevel: 'info', sourcemap: !production, minify: production, legalComments: 'none' };
await esbuild.build({
  ...common,
  absWorkingDir: root,
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
});
await esbuild.build({
  ...common,
  absWorkingDir: root,
  entryPoints: { graphviz: 'media/graphviz-entry.js', graph: 'media/graph.js' },
  outdir: 'dist/webview',
  platform: 'browser',
  format: 'iife',
  target: 'chrome114',
  sourcemap: false,
});

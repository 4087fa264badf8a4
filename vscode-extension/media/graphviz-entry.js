// Bundled by esbuild into dist/webview/graphviz.js (an IIFE): exposes
// @hpcc-js/wasm-graphviz, whose WebAssembly is inlined, as a global.
import { Graphviz } from '@hpcc-js/wasm-graphviz';
globalThis.BlazesGraphviz = Graphviz;

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console is built into static files in dist/ that the Trygg server serves (no CDN at run
 * time). `npm run dev -w alarm-console` serves it with hot reload and proxies the API and the
 * console WebSocket to a running server (`npm start`, port 8080 or TRYGG_DEV_SERVER).
 */
const server = process.env.TRYGG_DEV_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The server's CSP allows scripts only from 'self': no inline polyfill.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      '/api': server,
      '/ws': { target: server.replace(/^http/, 'ws'), ws: true },
    },
  },
});

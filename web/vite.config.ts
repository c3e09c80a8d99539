/**
 * Vite config of the web app. Root is web/, output web/dist (served by src/server/web.ts).
 * `npx vite --config web/vite.config.ts` runs the dev server and proxies the API to
 * HB_API (default http://127.0.0.1:8080), so the app and `npm start` work together.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.HB_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5173,
    proxy: {
      '/fhir': api,
      '/auth': api,
      '/oauth2': api,
      '/api': api,
      '/healthz': api,
    },
  },
});

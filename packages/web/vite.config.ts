import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

/** Where the backend (REST API + live WebSocket) listens in development. */
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  resolve: {
    // Consume @labmgr/protocol from its TypeScript source: no build step needed.
    conditions: ['@labmgr/source', ...defaultClientConditions],
  },
  server: {
    proxy: {
      '/api': { target: backend, ws: true, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: backend, ws: true, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One chunk of ~600 kB raw (~185 kB gzip) is within the 300 kB gzip budget for first load.
    chunkSizeWarningLimit: 800,
  },
});

import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

/** Where the backend (REST API + live WebSocket) listens in development. */
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [
    react(),
    // Writes name.br (brotli, quality 11) and name.gz (gzip, level 9) beside each text file of the build;
    // the backend sends them (@fastify/static preCompressed) to browsers that accept them. A file whose
    // compressed form is no smaller gets none and is sent as is.
    compression({ algorithms: ['brotliCompress', 'gzip'], logLevel: 'silent' }),
  ],
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

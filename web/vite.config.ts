import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development `vite` proxies the graph and the photos to the gateway (npm start runs it on :4000).
const gateway = process.env['CIVGRID_GATEWAY'] ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/graphql': gateway, '/photos': gateway, '/dev': gateway, '/config.json': gateway } },
});

import { defineConfig } from 'vite';

// The backend the dev server forwards API calls to (`npm run dev`). In production the built files
// are served from the backend's origin (e.g. by nginx in front of both), so the app calls relative URLs.
const backend = process.env.VITE_BACKEND_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  // JSX with React's automatic runtime, compiled by Vite itself (no React plugin needed).
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'react' }
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': backend,
      '/health': backend
    }
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true
  }
});

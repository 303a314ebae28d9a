/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// `npm run dev` serves the UI with hot reload and forwards /api to a running
// `tix serve` (TIX_SERVER, default http://127.0.0.1:7420).
const server = process.env.TIX_SERVER ?? 'http://127.0.0.1:7420'

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed file names under assets/: the server caches them for a year.
    assetsDir: 'assets',
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/@xyflow') || id.includes('node_modules/@dagrejs')) return 'graph'
          if (id.includes('node_modules/chart.js')) return 'charts'
          if (id.includes('node_modules/react-markdown') || id.includes('node_modules/micromark') || id.includes('node_modules/mdast') || id.includes('node_modules/remark') || id.includes('node_modules/hast')) return 'markdown'
          return undefined
        },
      },
    },
  },
  server: {
    proxy: { '/api': { target: server, changeOrigin: false } },
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'happy-dom',
  },
})

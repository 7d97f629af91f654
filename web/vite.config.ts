import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Vendor chunks (issue #14, speed): libraries every page needs get chunks of their own, named so
 * that a new build of the app leaves their cached copies valid; ECharts and ZRender go in one chunk
 * that only the pages with charts load (they import web/src/chart.tsx, itself reached only
 * through React.lazy pages). The rest of Ant Design is left to the automatic split, so that the
 * table, date picker and upload chunks load with the pages that use them, not at the login.
 */
const VENDOR_GROUPS = [
  {
    name: 'vendor-react',
    test: /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/,
  },
  {
    name: 'vendor-i18n',
    test: /[\\/]node_modules[\\/](i18next|react-i18next|html-parse-stringify|void-elements)[\\/]/,
  },
  { name: 'vendor-echarts', test: /[\\/]node_modules[\\/](echarts|zrender|tslib)[\\/]/ },
];

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The manifest names the entry chunk and what it imports: the size budget test reads it.
    manifest: true,
    // Above this an initial chunk has grown by accident (the echarts chunk loads only with charts).
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: { codeSplitting: { groups: VENDOR_GROUPS } },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/healthz': 'http://127.0.0.1:8080',
      '/metrics': 'http://127.0.0.1:8080',
    },
  },
});

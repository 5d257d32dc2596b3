import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  define: {
    // Shown in Settings, so a user (and the update test) can tell which build is running.
    __LIFELINE_BUILD__: JSON.stringify(
      process.env.LIFELINE_BUILD_ID ?? new Date().toISOString().slice(0, 16),
    ),
  },
  plugins: [
    preact(),
    VitePWA({
      // Our own service worker (push, notification clicks) with Workbox precaching injected.
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'prompt',
      // Registered by src/sw-register.ts through workbox-window, which owns the update prompt.
      injectRegister: false,
      injectManifest: {
        // Vite 8 emits ES modules by default; the worker is registered as a classic script.
        rollupFormat: 'iife',
        globPatterns: ['**/*.{js,css,html,png,svg,ico,webmanifest}'],
      },
      includeAssets: [],
      manifest: {
        id: '/',
        name: 'Lifeline',
        short_name: 'Lifeline',
        description: 'See and safely bring back your homelab from your phone',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0f766e',
        background_color: '#f6f7f8',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        shortcuts: [
          {
            name: 'Wake a machine',
            short_name: 'Wake',
            url: '/#/machines',
            icons: [{ src: '/icons/icon-192.png', sizes: '192x192' }],
          },
          {
            name: 'Containers',
            url: '/#/containers',
            icons: [{ src: '/icons/icon-192.png', sizes: '192x192' }],
          },
          { name: 'Power', url: '/#/power', icons: [{ src: '/icons/icon-192.png', sizes: '192x192' }] },
          { name: 'Activity', url: '/#/activity', icons: [{ src: '/icons/icon-192.png', sizes: '192x192' }] },
        ],
      },
    }),
  ],
  build: {
    outDir: process.env.LIFELINE_CLIENT_OUT ?? fileURLToPath(new URL('../dist/client', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});

import { defaultClientConditions, defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

// Cross-origin isolation gives WASM threads (SharedArrayBuffer) to onnxruntime-web.
// Every server of the app (dev, preview, tests) sends these two headers.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [
    svelte(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/*.svg', 'icons/*.png'],
      manifest: {
        name: 'Nataili Web',
        short_name: 'Nataili',
        description: 'Image AI on your own machine: upscale, restore, caption, generate and train, offline.',
        theme_color: '#1f2430',
        background_color: '#1f2430',
        display: 'standalone',
        start_url: '.',
        scope: '.',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // Everything needed offline: the app shell, onnxruntime-web's loader and wasm, the built-in
        // models with their licence, and tokenizer files.
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,webmanifest,wasm,onnx,json,txt}'],
        // ORT's wasm is about 28 MB, the largest built-in model about 18 MB.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  // onnxruntime-web's build that loads its wasm from env.wasm.wasmPaths (public/ort/) instead of
  // bundling a second 28 MB copy into the app's assets.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  server: { host: '127.0.0.1', headers: isolationHeaders },
  preview: { host: '127.0.0.1', headers: isolationHeaders },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', sourcemap: true },
});

import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

// Cross-origin isolation gives WASM threads (SharedArrayBuffer) to onnxruntime-web.
// Every server of the app (dev, preview, tests) sends these two headers.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Content-Security-Policy: scripts only from the app's own files (no inline script, no eval; only
// WebAssembly compilation, which onnxruntime-web needs), no plugins, no remote scripts, styles or
// images. Models download from hosts the user chooses, so connect-src allows any https: origin —
// never plain http, except loopback, where a person serves models from their own machine (and the
// tests serve theirs). Svelte's build puts every component style in a .css file, so style-src
// needs no 'unsafe-inline'.
const policy = (extra: { style?: string; connect?: string } = {}) =>
  [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    `style-src 'self'${extra.style ?? ''}`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self' https: http://127.0.0.1:* http://localhost:*${extra.connect ?? ''}`,
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');

/** The built app's policy, also written into index.html as a <meta> for static hosts that send no headers. */
export const contentSecurityPolicy = policy();
// frame-ancestors works only as a header: nobody may frame the app (clickjacking).
const builtHeaders = { ...isolationHeaders, 'Content-Security-Policy': `${contentSecurityPolicy}; frame-ancestors 'none'` };
// The dev server injects CSS as <style> elements and talks to its HMR websocket. Vitest's browser
// mode runs its own inline scripts, so it gets no policy at all.
const devHeaders = process.env.VITEST ? isolationHeaders : { ...isolationHeaders, 'Content-Security-Policy': policy({ style: " 'unsafe-inline'", connect: ' ws: wss:' }) };

/**
 * Puts the policy into the built index.html right after <meta charset>: before every script and
 * stylesheet, since a <meta> policy governs only what comes after it.
 */
function cspMeta(): Plugin {
  const charset = '<meta charset="UTF-8" />';
  return {
    name: 'nataili-csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      if (!html.includes(charset)) throw new Error(`index.html must start its <head> with ${charset}: the CSP <meta> goes right after it.`);
      return html.replace(charset, `${charset}\n    <meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}" />`);
    },
  };
}

export default defineConfig({
  plugins: [
    cspMeta(),
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
  server: { host: '127.0.0.1', headers: devHeaders },
  preview: { host: '127.0.0.1', headers: builtHeaders },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', sourcemap: true },
});

// The Content-Security-Policy of the built app: sent as a header and written into index.html;
// inline scripts, inline event handlers and inline style attributes are refused, and using every page raises no
// violation (the app, its workers and onnxruntime-web's wasm live within it).
import { expect, test } from '@playwright/test';

const PAGES = ['generate', 'post-process', 'interrogate', 'train', 'models', 'gallery', 'settings'];

test('the policy comes as a header and as a <meta>, with no inline script and no remote origin', async ({ page }) => {
  const response = await page.goto('/');
  const header = (await response!.allHeaders())['content-security-policy'] ?? '';
  const directives = Object.fromEntries(header.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
  expect(directives['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  expect(directives['style-src']).toEqual(["'self'"]);
  expect(directives['object-src']).toEqual(["'none'"]);
  expect(directives['frame-ancestors']).toEqual(["'none'"]);
  expect(directives['default-src']).toEqual(["'self'"]);
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(meta).toContain("script-src 'self' 'wasm-unsafe-eval'");
  // Every script of the page is a file of the app's own origin.
  const scripts = await page.locator('script').evaluateAll((list) => list.map((script) => ({ src: (script as HTMLScriptElement).src, inline: (script.textContent ?? '').trim().length > 0 })));
  for (const script of scripts) {
    expect(script.inline).toBe(false);
    expect(new URL(script.src).origin).toBe(new URL(page.url()).origin);
  }
});

test('an inline script, an inline event handler and an inline style attribute are refused', async ({ page }) => {
  await page.goto('/#/settings');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  // (eval cannot be checked from here: code Playwright evaluates runs with DevTools' exemption.)
  const outcome = await page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (event) => violations.push(event.effectiveDirective));
    const ran = window as unknown as { inlineRan?: boolean; handlerRan?: boolean };
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true;';
    document.body.append(script);
    const holder = document.createElement('div');
    holder.innerHTML = '<p style="color: rgb(1, 2, 3)">styled</p><button type="button" onclick="window.handlerRan = true">x</button>';
    document.body.append(holder);
    const color = getComputedStyle(holder.querySelector('p')!).color;
    holder.querySelector('button')!.click();
    holder.remove();
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { inlineRan: ran.inlineRan ?? false, handlerRan: ran.handlerRan ?? false, color, violations };
  });
  expect(outcome).toMatchObject({ inlineRan: false, handlerRan: false });
  expect(outcome.color).not.toBe('rgb(1, 2, 3)');
  expect(outcome.violations).toEqual(expect.arrayContaining(['script-src-elem', 'script-src-attr', 'style-src-attr']));
});

test('using every page raises no policy violation', async ({ page }) => {
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`Refused to load: ${event.effectiveDirective} ${event.blockedURI}`));
  });
  await page.goto('/');
  await expect(page.getByTestId('backend-status')).toContainText('WebGPU');
  for (const id of PAGES) {
    await page.goto(`/#/${id}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await page.waitForLoadState('networkidle');
  }
  await page.evaluate(async () => navigator.serviceWorker.ready);
  expect(refused).toEqual([]);
});

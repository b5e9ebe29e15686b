// The Interrogate page's results in real Chromium: captions, labels, model names and error
// messages that look like HTML render as text (no element is created, no handler runs), one
// table per category named by its caption, confidence bars, the aesthetic score and NSFW flag.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import InterrogateResults from '../../src/ui/features/interrogate/InterrogateResults.svelte';
import type { AnalyzeResult, CaptionResult } from '../../src/workers/api.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';
let target: HTMLElement;
let component: ReturnType<typeof mount> | undefined;

function cleanUp(): void {
  if (component) unmount(component);
  component = undefined;
  target?.remove();
}

afterEach(cleanUp);

function render(caption: CaptionResult | null, report: AnalyzeResult | null, prompt = '') {
  cleanUp();
  target = document.body.appendChild(document.createElement('div'));
  let copies = 0;
  component = mount(InterrogateResults, { target, props: { caption, report, prompt, oncopy: () => copies++ } });
  flushSync();
  return { copies: () => copies };
}

const report: AnalyzeResult = {
  interrogation: {
    model: 'ViT-L/14',
    tables: [
      { name: 'mediums', labels: [{ text: 'oil painting', confidence: 71.25 }, { text: HOSTILE, confidence: 20 }] },
      { name: 'custom', labels: [{ text: '<script>window.pwned = 1</script>', confidence: 100 }] },
    ],
    embeddedLabels: 0,
    embeddedImage: true,
    backend: 'WASM fp32',
    ms: 12,
  },
  aesthetic: { model: 'aesthetic-predictor-L14', clipModel: 'ViT-L/14', score: 6.4321, architecture: 'mlp' },
  safety: { model: 'safety_checker', nsfw: true, backend: 'WASM fp32' },
  errors: [{ part: 'aesthetic', message: `<b>bold</b> ${HOSTILE}` }],
};

describe('interrogation results', () => {
  it('renders captions, labels and messages that look like markup as text', () => {
    const caption: CaptionResult = { model: `<i>${HOSTILE}</i>`, kind: 'blip', text: `a cat ${HOSTILE} <script>window.pwned = 2</script>`, backend: 'WASM fp32', ms: 5 };
    render(caption, report, `a cat ${HOSTILE}`);
    expect(target.querySelector('img, script, b, i')).toBeNull();
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
    expect(target.querySelector('[data-testid="caption"]')!.textContent).toBe(caption.text);
    const cells = [...target.querySelectorAll('td')].map((cell) => cell.textContent);
    expect(cells).toContain(HOSTILE);
    expect(cells).toContain('<script>window.pwned = 1</script>');
    expect(target.textContent).toContain(`<b>bold</b> ${HOSTILE}`);
    expect((target.querySelector('#interrogate-prompt') as HTMLTextAreaElement).value).toBe(`a cat ${HOSTILE}`);
  });

  it('draws one table per category, captioned by its name, with a bar and a percentage per label', () => {
    render(null, report);
    const tables = [...target.querySelectorAll('table')];
    expect(tables.map((table) => table.caption?.textContent)).toEqual(['Mediums', 'Custom']);
    const firstRow = tables[0]!.querySelector('tbody tr')!;
    expect(firstRow.textContent).toContain('oil painting');
    expect(firstRow.textContent).toContain('71.3%');
    const bar = firstRow.querySelector('.bar span') as HTMLElement;
    expect(bar.style.width).toBe('71.3%');
    expect(bar.parentElement!.getAttribute('aria-hidden')).toBe('true');
    expect(tables[0]!.querySelectorAll('th[scope="col"]')).toHaveLength(2);
  });

  it('shows the aesthetic score, the NSFW flag, and copies the prompt on request', () => {
    const { copies } = render(null, report, 'oil painting');
    expect(target.querySelector('[data-testid="aesthetic"]')!.textContent).toContain('6.43');
    expect(target.querySelector('[data-testid="nsfw"]')!.textContent).toMatch(/^\s*NSFW/);
    (target.querySelector('button') as HTMLButtonElement).click();
    expect(copies()).toBe(1);
    render(null, { ...report, safety: { ...report.safety!, nsfw: false } });
    expect(target.querySelector('[data-testid="nsfw"]')!.textContent).toMatch(/^\s*Safe/);
  });
});

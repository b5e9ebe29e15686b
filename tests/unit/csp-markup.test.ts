// Markup the Content-Security-Policy (vite.config.ts) would refuse, or that could render user text
// as HTML, caught before a build: static style="…" attributes (style-src has no 'unsafe-inline';
// Svelte's style: directive and class names are fine), inline on…="…" handlers, <script> blocks
// other than a component's own, and {@html} (prompts, captions and catalog text are always text).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

function svelteFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? svelteFiles(path) : name.endsWith('.svelte') ? [path] : [];
  });
}

/** The template of a component: its <script> and <style> blocks taken out. */
const template = (code: string) => code.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style[\s\S]*?<\/style>/g, '');

export function problems(code: string): string[] {
  const found: string[] = [];
  const markup = template(code);
  // A static one goes into Svelte's template HTML and is refused; a dynamic one is set through CSSOM, which CSP allows.
  if (/\sstyle\s*=\s*("[^"{]*"|'[^'{]*')/.test(markup)) found.push('a static style="…" attribute (use a class, or Svelte\'s style: directive)');
  if (/\son[a-z]+\s*=\s*["']/.test(markup)) found.push('an inline on…="…" handler (use onclick={…})');
  if (/\{@html\b/.test(markup)) found.push('{@html} (render text as text)');
  return found;
}

describe('markup under the Content-Security-Policy', () => {
  it('spots what it looks for', () => {
    expect(problems('<input style="width: 6rem" />')).toHaveLength(1);
    expect(problems('<p onclick="go()">x</p>')).toHaveLength(1);
    expect(problems('<p>{@html text}</p>')).toHaveLength(1);
    expect(problems('<script>const style = "a";</script><span style:width={w} style="left: {x}px" class="x" onclick={go}></span><style>p { color: red; }</style>')).toEqual([]);
  });

  it('holds in every component', () => {
    const found = svelteFiles('src/ui').flatMap((file) => problems(readFileSync(file, 'utf8')).map((problem) => `${relative(process.cwd(), file)}: ${problem}`));
    expect(found).toEqual([]);
  });
});

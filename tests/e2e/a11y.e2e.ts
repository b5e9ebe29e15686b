// An accessibility scan (axe-core) of every page of the production build, at laptop and phone
// width and in both colour schemes, failing on serious or critical violations (WCAG 2.x A and AA).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

const PAGES = ['Generate', 'Post-process', 'Interrogate', 'Train', 'Models', 'Gallery', 'Settings'];
const VIEWS = [
  { name: 'laptop', viewport: { width: 1280, height: 800 }, colorScheme: 'light' },
  { name: 'laptop dark', viewport: { width: 1280, height: 800 }, colorScheme: 'dark' },
  { name: 'phone', viewport: { width: 390, height: 844 }, colorScheme: 'light' },
] as const;

/** Serious and critical violations, one line each: rule, impact, where, why. */
async function scan(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id} (${violation.impact}) at ${node.target.join(' ')}: ${node.failureSummary?.split('\n').slice(1).join(' ').trim() ?? violation.help}`));
}

for (const view of VIEWS) {
  test.describe(`${view.name} (${view.viewport.width}×${view.viewport.height})`, () => {
    test.use({ viewport: view.viewport, colorScheme: view.colorScheme });

    for (const name of PAGES) {
      test(`${name} has no serious accessibility violations`, async ({ page }) => {
        await page.goto(`/#/${name.toLowerCase()}`);
        await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
        // Let the page load what it lists (models, results) and the status line settle.
        await expect(page.getByTestId('backend-status')).not.toContainText('Checking');
        await page.waitForLoadState('networkidle');
        expect(await scan(page)).toEqual([]);
      });
    }
  });
}

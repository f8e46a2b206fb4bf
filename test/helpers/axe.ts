import fs from 'node:fs';
import type { Page } from 'playwright-core';

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG 2.2 AA rule set: every level A and AA rule from 2.0, 2.1 and 2.2. */
export const WCAG_22_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; tags: string[]; nodes: { target: unknown[] }[] }[];
}

declare const window: { axe: { run(context: unknown, options: unknown): Promise<AxeResult> } };
declare const document: unknown;

/**
 * Runs axe-core in the page and returns what fails the portal's bar: serious or critical violations of
 * WCAG 2.2 AA, and any content outside a landmark (`region`). The browser context needs `bypassCSP: true`:
 * the portal's CSP rightly refuses the injected script.
 */
export async function axeProblems(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(
    (tags: string[]) =>
      window.axe.run(document, {
        runOnly: { type: 'tag', values: [...tags, 'best-practice'] },
        resultTypes: ['violations'],
      }),
    WCAG_22_AA_TAGS,
  );
  return result.violations
    .filter(
      (v) => v.id === 'region' || (v.tags.some((t) => WCAG_22_AA_TAGS.includes(t)) && (v.impact === 'serious' || v.impact === 'critical')),
    )
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

/**
 * axeProblems() for a page that runs no JavaScript: the same document, as served, checked in a page that may run
 * axe. The checker opens the page's own address (so its styles load as they did) and is given the page's HTML with
 * its scripts taken out, so it shows what a person without JavaScript sees.
 */
export async function axeProblemsWithoutScripts(page: Page, checker: Page): Promise<AxeViolation[]> {
  const url = page.url();
  const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
  await checker.setViewportSize(page.viewportSize() ?? { width: 1024, height: 768 });
  await checker.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  try {
    await checker.goto(url);
    return await axeProblems(checker);
  } finally {
    await checker.unroute(url);
  }
}

/** How far the page is wider than the window: 0 when nothing scrolls sideways. */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = (document as { documentElement: { scrollWidth: number; clientWidth: number } }).documentElement;
    return root.scrollWidth - root.clientWidth;
  });
}

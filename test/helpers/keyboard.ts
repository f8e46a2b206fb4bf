import type { Page } from 'playwright-core';

/*
 * A person with a keyboard and no mouse: Tab to move, Space to tick or choose, Enter to follow or send,
 * and typing. Nothing here clicks or sets a value directly, so a control the keyboard cannot reach or
 * use fails the journey.
 */

interface Focused {
  tag: string;
  type: string;
  name: string;
  value: string;
  /** What a person would read as the control's name: its text, or its label's. */
  text: string;
}

interface InPageControl {
  tagName: string;
  innerText?: string;
  value?: string;
  labels?: { innerText: string }[] | null;
  getAttribute(name: string): string | null;
  closest(selector: string): unknown;
}

declare const document: { activeElement: InPageControl | null };

const MOST_TABS = 400;

function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return { tag: '', type: '', name: '', value: '', text: '' };
    const label = el.labels && el.labels.length ? el.labels[0]!.innerText : '';
    return {
      tag: el.tagName.toLowerCase(),
      type: (el.getAttribute('type') ?? '').toLowerCase(),
      name: el.getAttribute('name') ?? '',
      value: el.value ?? '',
      text: (label || el.innerText || '').replace(/\s+/g, ' ').trim(),
    };
  });
}

const isTyped = (f: Focused) =>
  f.tag === 'textarea' || (f.tag === 'input' && ['', 'text', 'email', 'password', 'number', 'tel'].includes(f.type));
const isAction = (f: Focused) => f.tag === 'a' || f.tag === 'button' || (f.tag === 'input' && f.type === 'submit');

/** What a person would type into an empty box, judged by its name. */
function answerFor(name: string): string {
  if (name.endsWith('-day')) return '1';
  if (name.endsWith('-month')) return '6';
  if (name.endsWith('-year')) return '2027';
  if (/staff|contract|number|value/i.test(name)) return '3';
  return 'Yes, with help from our volunteers.';
}

async function pressAndLoad(page: Page, key: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
}

export const keyboard = {
  /**
   * The first Tab on a page reaches the skip link; Enter on it moves on to the page's main content. A page that has
   * already put the focus in its main content (an error summary, a success banner) needs no skip.
   */
  async skipToMain(page: Page): Promise<void> {
    if (await page.evaluate(() => Boolean(document.activeElement?.closest('main')))) return;
    await page.keyboard.press('Tab');
    const first = await focused(page);
    if (first.text !== 'Skip to main content') throw new Error(`the first Tab reached "${first.text}" (${first.tag}), not the skip link`);
    await page.keyboard.press('Enter');
  },

  /** Tabs to the link or button with this name and presses Enter on it. */
  async activate(page: Page, name: string): Promise<void> {
    const passed: string[] = [];
    for (let i = 0; i < MOST_TABS; i += 1) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      if (isAction(f) && f.text === name) return pressAndLoad(page, 'Enter');
      passed.push(f.text);
      if (passed.length > 3 && f.tag === 'body') break;
    }
    throw new Error(`Tab never reached "${name}" on ${page.url()}; it reached: ${passed.join(' | ')}`);
  },

  /**
   * Tabs through a form as a person filling it in would: types into each empty box (`values` by field name, or an
   * answer that fits), chooses the first option of each set of radios or checkboxes not yet answered, and presses
   * Enter on the button named `submit`. A question that appears after an answer is reached by the next Tab.
   */
  async fillForm(page: Page, submit: string, values: Record<string, string> = {}): Promise<void> {
    const answered = new Set<string>();
    const passed: string[] = [];
    for (let i = 0; i < MOST_TABS; i += 1) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      passed.push(f.text || f.name);
      if (isAction(f) && f.text === submit) return pressAndLoad(page, 'Enter');
      if (isTyped(f) && !f.value) {
        await page.keyboard.type(values[f.name] ?? answerFor(f.name));
      } else if ((f.type === 'radio' || f.type === 'checkbox') && !answered.has(f.name)) {
        answered.add(f.name);
        const alreadyChosen = await page.locator(`input[name="${f.name}"]:checked`).count();
        if (!alreadyChosen) await page.keyboard.press('Space');
      }
    }
    throw new Error(`Tab never reached the "${submit}" button on ${page.url()}; it reached: ${passed.join(' | ')}`);
  },
};

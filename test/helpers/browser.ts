import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type ConsoleMessage, type Page } from 'playwright-core';
import { startTestApp, STRONG_PASSWORD, type TestApp } from './app';

/** Debian's Chromium (`apt-get install -y chromium`); CHROMIUM_PATH points elsewhere. Never `npx playwright install`. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** Whether the browser tests can run here; says why not once, so a skipped suite is never a silent pass. */
export function chromiumAvailable(): boolean {
  if (fs.existsSync(chromiumPath)) return true;
  console.warn(
    `Browser tests skipped: no Chromium at ${chromiumPath}. Install it with \`apt-get install -y chromium\` ` +
      'or set CHROMIUM_PATH to a Chromium binary.',
  );
  return false;
}

/** describe() where Chromium is installed; elsewhere the block is skipped, and chromiumAvailable() says why. */
export function describeInBrowser(name: string, block: () => void): void {
  (chromiumAvailable() ? describe : describe.skip)(name, block);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/*
 * The project type-checks without the DOM library, so server code cannot reach for browser globals by
 * mistake. Code passed to page.evaluate() runs in Chromium: each file that has such code declares the
 * globals it uses with these types, in module scope (`declare const document: InPageDocument`), which
 * keeps them out of every other file.
 */
export interface InPageElement {
  id: string;
  className: string;
  nonce?: string;
  classList: { contains(name: string): boolean };
  getAttribute(name: string): string | null;
}

export interface InPageDocument {
  documentElement: InPageElement;
  body: InPageElement;
  activeElement: InPageElement | null;
  querySelector(selector: string): InPageElement | null;
  fonts: { ready: Promise<unknown>; check(font: string): boolean };
  addEventListener(
    type: 'securitypolicyviolation',
    listener: (e: { violatedDirective: string; blockedURI: string; sourceFile: string; lineNumber: number }) => void,
  ): void;
}

export type InPageComputedStyle = (element: InPageElement) => Record<'margin' | 'fontFamily' | 'fontWeight' | 'maxWidth', string>;

declare const document: InPageDocument;
declare const window: { __reportCspViolation(text: string): void };

export interface ListeningApp {
  baseUrl: string;
  close(): Promise<void>;
}

/** Serves the Express app on 127.0.0.1 at a free port. */
export function listen(app: Express): Promise<ListeningApp> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (err?: Error) => {
      if (err) return reject(err);
      const { port } = server.address() as AddressInfo;
      resolve({
        baseUrl: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((closeErr) => (closeErr ? fail(closeErr) : done()));
            server.closeAllConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}

export interface PageProblems {
  /** Console errors and warnings, uncaught exceptions, failed requests, CSP violations and 4xx/5xx sub-resources. */
  list: string[];
  clear(): void;
}

/**
 * Records everything on a page that should never happen on a healthy one. CSP violations are caught twice:
 * Chromium logs them as console errors, and a `securitypolicyviolation` listener (added before any page
 * script runs) reports them even if the console wording changes.
 */
export async function watchProblems(page: Page): Promise<PageProblems> {
  const list: string[] = [];
  await page.exposeFunction('__reportCspViolation', (text: string) => list.push(`CSP violation: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    // Chromium logs every 4xx/5xx load, including a 422 form page; bad statuses are judged below by resource type.
    if (/^Failed to load resource: the server responded with a status of \d+/.test(msg.text())) return;
    list.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => list.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    const error = req.failure()?.errorText ?? '';
    // The browser cancels a favicon still loading when the page moves on (a form post, a link): not a fault of the page.
    if (error === 'net::ERR_ABORTED' && req.resourceType() !== 'document' && req.url().endsWith('/favicon.svg')) return;
    list.push(`request failed: ${req.url()} ${error}`);
  });
  page.on('response', (res) => {
    // Documents may rightly be 4xx (a 422 form, a 404 page); their sub-resources may not.
    if (res.status() >= 400 && res.request().resourceType() !== 'document') list.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return {
    list,
    clear() {
      list.length = 0;
    },
  };
}

/**
 * Waits until `check` (run in the page) is true. Playwright's page.waitForFunction polls with eval() inside
 * the page, which the portal's Content Security Policy forbids once the first, synchronous check has
 * failed; each page.evaluate() here is a fresh call from outside the page, which the policy allows.
 */
export async function untilInPage(page: Page, check: string | (() => unknown), timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(check)) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting in the page for: ${String(check)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Signs in through the sign-in form, as a person would, and waits for the dashboard. */
export async function signInThroughPage(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL('**/dashboard'), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
}

export interface OpenedPage {
  page: Page;
  problems: PageProblems;
}

export interface BrowserSuite {
  /** The app on its own database, started before the describe block's own beforeAll hooks run. */
  readonly t: TestApp;
  readonly baseUrl: string;
  /** A fresh browser profile (no cookies) at the app, with a page that records problems; closed after the test. */
  openPage(options?: BrowserContextOptions): Promise<OpenedPage>;
  /** openPage(), signed in through the sign-in form as the user (created with STRONG_PASSWORD). */
  signedInPage(email: string, options?: BrowserContextOptions): Promise<OpenedPage>;
}

/**
 * Call inside a describe block: starts the app, serves it and launches Chromium before the block's own hooks,
 * closes each test's browser profiles after it, and everything else after the block.
 */
export function browserSuite(options: { app?: Parameters<typeof startTestApp>[0]; context?: BrowserContextOptions } = {}): BrowserSuite {
  let app: TestApp | undefined;
  let server: ListeningApp | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const started = () => {
    if (!app || !server || !browser) throw new Error('the browser suite has not started: use it inside tests and hooks');
    return { app, server, browser };
  };

  beforeAll(async () => {
    app = await startTestApp(options.app);
    server = await listen(app.app);
    browser = await launchChromium();
  }, 60_000);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await app?.close();
  });

  const openPage = async (contextOptions: BrowserContextOptions = {}): Promise<OpenedPage> => {
    const { server: listening, browser: chromiumBrowser } = started();
    const context = await chromiumBrowser.newContext({ baseURL: listening.baseUrl, ...options.context, ...contextOptions });
    contexts.push(context);
    const page = await context.newPage();
    return { page, problems: await watchProblems(page) };
  };

  return {
    get t() {
      return started().app;
    },
    get baseUrl() {
      return started().server.baseUrl;
    },
    openPage,
    async signedInPage(email, contextOptions) {
      const opened = await openPage(contextOptions);
      await signInThroughPage(opened.page, email, STRONG_PASSWORD);
      return opened;
    },
  };
}

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Herald's pages in a real Chromium for the browser suites: Debian's (`apt-get install chromium`; CHROMIUM_PATH for
 * another), driven by playwright-core, in a fresh profile whose every request is recorded, and refused unless it goes
 * to Herald.
 */

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('no chromium on the PATH: apt-get install -y chromium (or set CHROMIUM_PATH)');
  }
}

export interface Tab {
  page: Page;
  /** Script errors and console errors (a refused resource or a CSP violation logs one). */
  problems: string[];
}

/** A page whose script errors and console errors are collected. */
export function watchTab(page: Page): Tab {
  const problems: string[] = [];
  page.on('pageerror', (error) => void problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return { page, problems };
}

/** The browser's first tab, and what the whole browser asked for. */
export interface Browser extends Tab {
  context: BrowserContext;
  /** Every URL the browser asked for. */
  requests: string[];
  /** Requests and WebSockets to anywhere but Herald: refused (WebSockets only recorded), and a failure. */
  foreign: string[];
  close: () => Promise<void>;
}

/** A fresh Chromium profile whose every request is recorded, and refused unless it goes to `origin`. */
export async function openBrowser(origin: string, options: { viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'herald-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath(), headless: true, args: ARGS, ...options });
  const requests: string[] = [];
  const foreign: string[] = [];
  context.on('request', (request) => void requests.push(request.url()));
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    foreign.push(url);
    return route.abort('blockedbyclient');
  });
  // WebSockets are not routed: those the pages open must be Herald's too.
  const host = new URL(origin).host;
  const watchSockets = (page: Page) => page.on('websocket', (socket) => void (new URL(socket.url()).host !== host && foreign.push(socket.url())));
  for (const page of context.pages()) watchSockets(page);
  context.on('page', watchSockets);
  const tab = watchTab(context.pages()[0] ?? (await context.newPage()));
  return {
    ...tab,
    context,
    requests,
    foreign,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { openBrowser, type Browser } from '../support/browser.js';
import { ROOT_CLIENT_ID, createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 16 item 3 in a real browser: GraphiQL at /graphql and the start page at /, served by Herald alone (every
 * request the pages make goes to Herald; anything else is recorded, refused and fails the test), a token typed into
 * GraphiQL's header editor, a query run from the page, in Chromium (test/support/browser.ts). Screenshots go to
 * .ci-results/.
 */

const RESULTS = fileURLToPath(new URL('../../.ci-results/', import.meta.url));

/** Replaces the whole text of a GraphiQL (CodeMirror) editor, as pasting would. */
async function replaceEditorText(page: Page, editor: string, text: string): Promise<void> {
  await page.locator(`${editor} .CodeMirror`).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

async function listening(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  return (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
}

describe('the GraphQL playground and the start page, with introspection on', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  beforeAll(async () => {
    await mkdir(RESULTS, { recursive: true });
    t = await createTestApp();
    base = await listening(t);
    browser = await openBrowser(base);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(() => {
    expect(browser.foreign).toEqual([]);
    expect(browser.problems).toEqual([]);
  });

  it("serves GraphiQL from Herald's own files and runs a query with the token typed into its header editor", async () => {
    const { page } = browser;
    const answer = await page.goto(`${base}/graphql`);
    expect(answer?.status()).toBe(200);
    const csp = answer!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/https?:/);

    // GraphiQL is up with its header template, and has read the schema (the Docs pane lists the Query type).
    const headersEditor = '.graphiql-editor-tool .graphiql-editor:not(.hidden)';
    await page.locator(headersEditor, { hasText: '"Authorization": "Bearer "' }).waitFor({ timeout: 30_000 });

    const token = await t.rootToken();
    await replaceEditorText(page, headersEditor, JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2));
    await replaceEditorText(page, '.graphiql-query-editor', '{ authInfo { clientId } }');
    const sent = page.waitForRequest(
      (request) => request.method() === 'POST' && request.url() === `${base}/graphql` && request.postData()?.includes('authInfo') === true,
    );
    await page.locator('.graphiql-execute-button').click();
    expect((await sent).headers()['authorization']).toBe(`Bearer ${token}`);
    const response = page.locator('.graphiql-response', { hasText: ROOT_CLIENT_ID });
    await response.waitFor({ timeout: 30_000 });
    // The response pane is an editor (fold markers beside the lines): its text, not strict JSON.
    const shown = (await response.innerText()).replace(/\s+/g, ' ');
    expect(shown).toContain(`"authInfo": { "clientId": "${ROOT_CLIENT_ID}" }`);
    expect(shown).not.toContain('errors');

    await page.locator('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]').click();
    await page.locator('.graphiql-doc-explorer', { hasText: 'Query' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(RESULTS, 'playground.png') });

    const assets = browser.requests.filter((url) => url.includes('/graphql/assets/'));
    expect(assets.map((url) => new URL(url).pathname).sort()).toEqual([
      '/graphql/assets/graphiql.min.css',
      '/graphql/assets/graphiql.min.js',
      '/graphql/assets/playground.js',
      '/graphql/assets/react-dom.production.min.js',
      '/graphql/assets/react.production.min.js',
    ]);
    for (const url of browser.requests) expect(new URL(url).origin).toBe(base);
  });

  it('serves a start page at / whose links all answer', async () => {
    const { page } = browser;
    const answer = await page.goto(`${base}/`);
    expect(answer?.status()).toBe(200);
    expect(answer!.headers()['content-security-policy']).not.toMatch(/https?:/);
    await page.screenshot({ path: join(RESULTS, 'start-page.png'), fullPage: true });

    const links: string[] = [];
    for (const link of await page.locator('a[href]').all()) links.push(new URL((await link.getAttribute('href'))!, `${base}/`).href);
    expect(links.map((link) => new URL(link).pathname)).toEqual(['/console', '/docs', '/openapi.json', '/graphql', '/health']);
    for (const link of links) {
      expect(new URL(link).origin).toBe(base);
      const followed = await page.goto(link);
      expect({ link, status: followed?.status() }).toEqual({ link, status: 200 });
    }
    for (const url of browser.requests) expect(new URL(url).origin).toBe(base);
  });
});

describe('with introspection off (production)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  beforeAll(async () => {
    t = await createTestApp({ NODE_ENV: 'production' });
    base = await listening(t);
    browser = await openBrowser(base);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves no playground: /graphql answers a browser as any GET without a query, and its files are not there', async () => {
    // Apollo's answer to a GET that is no GraphQL request: a browser's (no content-type) is refused by its CSRF check.
    const answer = await browser.page.goto(`${base}/graphql`);
    expect(answer?.status()).toBe(400);
    expect(answer!.headers()['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(await answer!.text());
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(body)).not.toMatch(/graphiql/i);
    for (const file of ['graphiql.min.js', 'graphiql.min.css', 'react.production.min.js', 'playground.js']) {
      const asset = await t.http().get(`/graphql/assets/${file}`);
      expect({ file, status: asset.status }).toEqual({ file, status: 404 });
    }
    // The start page is there, and says the playground is off instead of linking it.
    const start = await browser.page.goto(`${base}/`);
    expect(start?.status()).toBe(200);
    expect(await browser.page.locator('a[href="/graphql"]').count()).toBe(0);
    expect(await browser.page.locator('body').innerText()).toContain('The playground is off here (HERALD_GRAPHQL_INTROSPECTION)');
    expect(browser.foreign).toEqual([]);
  });
});

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/cloudfed.js';

// Operators open GraphiQL with no internet: every asset must come from our own server.
describe('GraphiQL in a real browser', () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('loads offline, runs a query and shows the result', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const external: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (
        url.protocol === 'data:' ||
        url.protocol === 'blob:' ||
        ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
      ) {
        // The token rides on the GraphQL requests the page makes, as an operator's headers would.
        if (url.pathname === '/graphql') {
          return route.continue({
            headers: { ...route.request().headers(), authorization: `Bearer ${ADMIN_TOKEN}` },
          });
        }
        return route.continue();
      }
      external.push(url.href);
      return route.abort();
    });
    const query = '{ clusterNodes { totalCount nodes { name coordinatorState } } }';
    await page.goto(`${server.url}/graphiql?query=${encodeURIComponent(query)}`);
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.result-window');
    await result.getByText('"totalCount": 3').waitFor({ timeout: 20_000 });
    const text = await result.innerText();
    assert.match(text, /"name":\s+"hv1"/);
    assert.match(text, /"coordinatorState":\s+"PRIMARY"/);
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/graphiql.png' });
    assert.deepEqual(external, [], 'GraphiQL must not fetch anything from the internet');
  });

  test('the page is served compressed and cacheable', async () => {
    const response = await fetch(`${server.url}/graphiql`, { headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-encoding'), 'br');
    assert.match(response.headers.get('cache-control') ?? '', /max-age=\d+/);
    const etag = response.headers.get('etag')!;
    await response.arrayBuffer();
    const again = await fetch(`${server.url}/graphiql`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  });
});

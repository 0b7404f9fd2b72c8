import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/free-port';
import { TryggProcess } from '../../support/trygg-process';
import { ensureConsoleBuilt, HAVE_CHROMIUM, launchChromium, openConsole, writeBrowserOffice } from './browser-support';

/**
 * "My account" in a real browser against the real server: a colleague changes her password while
 * her armed console on another PC is open (that console is logged out, told why), then logs out
 * everywhere; the new password is the one that works.
 */
describe.skipIf(!HAVE_CHROMIUM)('my account in Chromium: password change and log out everywhere', () => {
  let dir: string;
  let trygg: TryggProcess;
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    dir = mkdtempSync(join(tmpdir(), 'trygg-account-'));
    trygg = new TryggProcess({ dataDir: join(dir, 'data'), configFile: writeBrowserOffice(dir), httpPort: await freePort(), mqttPort: await freePort() });
    await trygg.start();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await trygg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('changes the password (the other PC\'s console ends), then logs out everywhere', async () => {
    const otherPc = await openConsole(browser, trygg.baseUrl, { station: 'backoffice' });
    const here = await openConsole(browser, trygg.baseUrl);
    const page = here.page;
    await page.click('.who a');
    await page.waitForSelector('#account-heading');

    await page.fill('#account-current', 'not my password');
    await page.fill('#account-new', 'kari sitt eige passord');
    await page.fill('#account-repeat', 'kari sitt eige passord');
    await page.click('#account-heading ~ form button[type=submit]');
    await page.waitForSelector('p.problem:has-text("Nåværende passord er feil.")');

    await page.fill('#account-current', 'trygg-demo');
    await page.fill('#account-new', 'kari sitt eige passord');
    await page.fill('#account-repeat', 'kari sitt eige passord');
    await page.click('#account-heading ~ form button[type=submit]');
    await page.waitForSelector('[role=status]:has-text("Passordet er byttet. 1 annen innlogging er avsluttet.")');

    // The armed console on the other PC loses its session at its next check and says so.
    await otherPc.page.waitForSelector('#login-username', { timeout: 20_000 });
    expect(await otherPc.page.textContent('main')).toContain('Økten er avsluttet');

    await page.click('button:has-text("Logg ut overalt")');
    await page.waitForSelector('#login-username');
    expect((await fetch(`${trygg.baseUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'kollega', password: 'trygg-demo' }) })).status).toBe(401);
    await page.fill('#login-username', 'kollega');
    await page.fill('#login-password', 'kari sitt eige passord');
    await page.press('#login-password', 'Enter');
    await page.waitForSelector('.who a');
    await otherPc.context.close();
    await here.context.close();
  }, 90_000);

  it('links the API reference from "My account": Swagger UI renders the OpenAPI document under the server\'s CSP', async () => {
    // kollega's password changed above: the manager reads the reference.
    const { page, context } = await openConsole(browser, trygg.baseUrl, { username: 'manager', lang: 'en' });
    const violations: string[] = [];
    context.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    await page.click('.who a');
    await page.waitForSelector('#account-heading');
    const [reference] = await Promise.all([context.waitForEvent('page'), page.click('[data-testid=api-reference]')]);
    reference.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    await reference.waitForSelector('.swagger-ui .info .title');
    expect(await reference.textContent('.swagger-ui .info .title')).toContain('Trygg REST API');
    // An operation of the document is listed, so the page read /api/docs/json.
    await reference.waitForSelector('.opblock-summary-path[data-path="/api/v1/alarms"]');
    expect(violations, violations.join('\n')).toEqual([]);
    await context.close();
  }, 60_000);
});

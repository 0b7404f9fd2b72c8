import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSimulator, type DeviceSimulator } from '@trygg/firmware-sim';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, login } from '../../support/console-client';
import { freePort } from '../../support/free-port';
import { metricSum } from '../../support/prometheus-text';
import { TryggProcess } from '../../support/trygg-process';
import { ensureConsoleBuilt, HAVE_CHROMIUM, launchChromium, openConsole, writeBrowserOffice, type ConsolePage } from './browser-support';

/**
 * Browser hardening in Chromium against the real server: the console logs in, arms and shows a
 * pop-up under its Content Security Policy with not one violation (seen in the page and at the
 * report endpoint); pages on another port and on another host auto-submit forms at the
 * cancel-alarm and start-evacuation routes with the logged-in browser, and nothing changes;
 * hostile text in every user-editable field (room, person, incident, banned client, action card)
 * is shown as text on every page that shows it.
 */
const HOSTILE = `<img src=x onerror="window.__pwned='img'"><script>window.__pwned='script'</script>"'&`;
const MARK = 'Rom<trygg-x>X</trygg-x>';

/** Records CSP violations and injected code in every page of the context, from its first byte. */
const WATCH = `
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
`;

async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp);
}

async function expectNoInjection(page: Page, where: string): Promise<void> {
  // Strings, not functions: they run in the page, and this project's TypeScript has no DOM types.
  const found = await page.evaluate(`({
    pwned: window.__pwned ?? null,
    elements: document.querySelectorAll('img[onerror], script:not([src]), trygg-x').length,
  })`);
  expect(found, where).toEqual({ pwned: null, elements: 0 });
  expect(await violations(page), where).toEqual([]);
}

describe.skipIf(!HAVE_CHROMIUM)('browser hardening in Chromium', () => {
  let dir: string;
  let trygg: TryggProcess;
  let sim: DeviceSimulator;
  let browser: Browser;
  let consolePage: ConsolePage;
  let attacker: Server;
  let attackerPort: number;
  let managerCookie: string;
  let alarmId: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    dir = mkdtempSync(join(tmpdir(), 'trygg-hardening-'));
    trygg = new TryggProcess({
      dataDir: join(dir, 'data'), httpPort: await freePort(), mqttPort: await freePort(),
      configFile: writeBrowserOffice(dir, (config) => {
        const site = config.sites[0]!;
        site.rooms = site.rooms.map((r) => (r.id === 'interview-3' ? { ...r, name: `${MARK} ${HOSTILE}` } : r));
        const card = site.actionCards![0]!;
        card.title = { nb: `Kort ${HOSTILE}`, en: `Card ${HOSTILE}` };
        card.steps = { nb: [`Steg ${HOSTILE}`], en: [`Step ${HOSTILE}`] };
        config.users = config.users.map((u) => (u.username === 'manager' ? { ...u, name: `Mona ${HOSTILE}` } : u));
      }),
    });
    await trygg.start();
    sim = await connectSimulator({ url: `mqtt://127.0.0.1:${trygg.options.mqttPort}`, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' });
    managerCookie = await login(trygg.baseUrl, 'manager');
    browser = await launchChromium();

    // The attacker's pages: an auto-submitting form aimed at the console's API, served on another
    // port of the same host (same-site: the session cookie goes along) and on another host.
    attackerPort = await freePort();
    attacker = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const target = url.searchParams.get('target') ?? '';
      const enctype = url.searchParams.get('enctype') ?? 'application/x-www-form-urlencoded';
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><form id="f" method="POST" action="${target}" enctype="${enctype}">
        <input type="hidden" name='{"drill":true,"x":"' value='"}'></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((r) => attacker.listen(attackerPort, '0.0.0.0', () => r()));

    consolePage = await openConsole(browser, trygg.baseUrl, { username: 'manager', station: 'backoffice' });
    await consolePage.context.addInitScript(WATCH);
    // Reload so the watcher runs from the first byte of the console (the session cookie stays).
    await consolePage.page.reload();
    await consolePage.page.waitForSelector('[data-connection="connected"]', { timeout: 15_000 }).catch(async () => {
      await consolePage.page.selectOption('#station-select', 'backoffice');
      await consolePage.page.click('#arm');
      await consolePage.page.waitForSelector('[data-connection="connected"]');
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
    await new Promise<void>((r) => (attacker ? attacker.close(() => r()) : r()));
    await trygg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the console logs in, arms and shows a pop-up under its CSP without a single violation; hostile room, person and action-card text is shown as text', async () => {
    const { page } = consolePage;
    await sim.press('interview-3');
    const card = page.locator('.overlay .alarm-card');
    await card.waitFor({ timeout: 15_000 });
    await expect(card.locator('.alarm-place').textContent()).resolves.toContain(`${MARK} ${HOSTILE}`);
    await expect(card.locator('.action-card').textContent()).resolves.toContain(`Kort ${HOSTILE}`);
    await expect(card.locator('.action-card').textContent()).resolves.toContain(`Steg ${HOSTILE}`);
    await expectNoInjection(page, 'pop-up');
    const csp = (await page.request.get(`${trygg.baseUrl}/`)).headers()['content-security-policy'] ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');

    alarmId = await eventually(async () => {
      const res = await fetch(`${trygg.baseUrl}/api/v1/alarms`, { headers: { cookie: managerCookie } });
      const { alarms } = await res.json() as { alarms: { id: string; roomId?: string; state: string }[] };
      return alarms.find((a) => a.roomId === 'interview-3')?.id;
    }, 10_000, 'the alarm in the API');
  });

  it('forms posted from another port and from another host at cancel-alarm and start-evacuation are refused and change nothing', async () => {
    const page = await consolePage.context.newPage();
    const cancel = `${trygg.baseUrl}/api/v1/alarms/${alarmId}/cancel`;
    const evacuate = `${trygg.baseUrl}/api/v1/sites/demo/evacuations`;
    const attacks = [];
    for (const origin of [`http://127.0.0.1:${attackerPort}`, `http://127.0.0.2:${attackerPort}`]) {
      for (const target of [cancel, evacuate]) {
        for (const enctype of ['text/plain', 'application/x-www-form-urlencoded']) attacks.push({ origin, target, enctype });
      }
    }
    const seen: string[] = [];
    page.on('response', (r) => seen.push(`${r.request().method()} ${r.url()} ${r.status()}`));
    for (const a of attacks) {
      const answered = page.waitForResponse((r) => r.url() === a.target && r.request().method() === 'POST', { timeout: 10_000 })
        .catch((err: unknown) => { throw new Error(`${JSON.stringify(a)}: no answer; seen ${seen.join(' | ')}; ${String(err)}`); });
      await page.goto(`${a.origin}/?target=${encodeURIComponent(a.target)}&enctype=${encodeURIComponent(a.enctype)}`, { waitUntil: 'commit', timeout: 10_000 });
      const res = await answered;
      expect(res.status(), JSON.stringify(a)).toBe(403);
      expect(await res.json(), JSON.stringify(a)).toMatchObject({ code: 'TRYGG_SRV_CROSS_SITE' });
    }
    await page.close();

    const { alarm } = await (await fetch(`${trygg.baseUrl}/api/v1/alarms/${alarmId}`, { headers: { cookie: managerCookie } })).json() as { alarm: { state: string } };
    expect(alarm.state).not.toBe('cancelled');
    const { evacuations } = await (await fetch(`${trygg.baseUrl}/api/v1/evacuations`, { headers: { cookie: managerCookie } })).json() as { evacuations: unknown[] };
    expect(evacuations).toEqual([]);
    // The console itself (same-origin fetch with JSON) still changes things.
    const card = consolePage.page.locator('.overlay .alarm-card');
    await card.locator('[data-action="outcome"]').selectOption('test');
    await card.locator('[data-action="resolve"]').click();
    await card.waitFor({ state: 'detached', timeout: 10_000 });
    const after = await (await fetch(`${trygg.baseUrl}/api/v1/alarms/${alarmId}`, { headers: { cookie: managerCookie } })).json() as { alarm: { state: string } };
    expect(after.alarm.state).toBe('resolved');
    await expectNoInjection(consolePage.page, 'after resolve');
  }, 90_000);

  it('hostile text in an incident report, a banned client and a user is shown as text on their pages', async () => {
    const post = (path: string, body: unknown) => fetch(`${trygg.baseUrl}${path}`, {
      method: 'POST', headers: { cookie: managerCookie, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const incident = await post('/api/v1/incidents', {
      siteId: 'demo', occurredAt: new Date(Date.now() - 60_000).toISOString(), category: 'other-threat', roomId: 'interview-3',
      narrative: `Fortelling ${HOSTILE}`, involved: [`Person ${HOSTILE}`], actions: [{ text: `Tiltak ${HOSTILE}` }],
    });
    expect(incident.status, await incident.clone().text()).toBe(201);
    const { id: incidentId } = await incident.json() as { id: string };
    const banned = await post('/api/v1/banned-clients', {
      name: `Klient ${HOSTILE}`, birthYear: 1980, sites: ['demo'], decision: { date: '2026-01-05', decidedBy: `Leder ${HOSTILE}`, legalBasis: `Grunnlag ${HOSTILE}` },
      from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000 * 30).toISOString(),
    });
    expect(banned.status, await banned.clone().text()).toBe(201);

    const { page } = consolePage;
    const pages: [string, string][] = [
      [`#/incidents/${encodeURIComponent(incidentId)}`, `Fortelling ${HOSTILE}`],
      ['#/incidents', MARK],
      ['#/banned-clients', `Klient ${HOSTILE}`],
      ['#/manage/users', `Mona ${HOSTILE}`],
      ['#/manage/rooms', `${MARK} ${HOSTILE}`],
      [`#/alarms/${encodeURIComponent(alarmId)}`, `${MARK} ${HOSTILE}`],
      ['#/alarms', MARK],
    ];
    // What a person sees: the page's text and the values of its form fields (an editor shows them there).
    const shown = () => page.evaluate<string>(`[document.body.innerText, ...[...document.querySelectorAll('input, textarea')].map((e) => e.value)].join('\\n')`);
    for (const [hash, text] of pages) {
      await page.goto(`${trygg.baseUrl}/${hash}`);
      await eventually(async () => ((await shown()).includes(text) ? true : undefined), 10_000, `${hash} showing the text`)
        .catch(async (err: unknown) => { throw new Error(`${String(err)}; shown: ${(await shown()).slice(0, 1500)}`); });
      await expectNoInjection(page, hash);
    }
  });

  it('a violation would be caught: an injected inline script is blocked, seen by the page and counted at the report endpoint', async () => {
    const { page } = consolePage;
    // Nothing was reported while the console ran through the tests above.
    expect(metricSum(await (await fetch(`${trygg.baseUrl}/metrics`)).text(), 'trygg_csp_violations_total')).toBe(0);
    await page.evaluate(`(() => {
      const s = document.createElement('script');
      s.textContent = "window.__pwned = 'injected'";
      document.body.append(s);
    })()`);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: string }).__pwned ?? null)).toBeNull();
    await eventually(async () => ((await violations(page)).length > 0 ? true : undefined), 5000, 'violation event');
    await eventually(async () => {
      const text = await (await fetch(`${trygg.baseUrl}/metrics`)).text();
      return metricSum(text, 'trygg_csp_violations_total') > 0 ? true : undefined;
    }, 10_000, 'the report at /api/v1/csp-reports');
    // Reset for any later test in this file.
    await page.evaluate(() => { (globalThis as unknown as { __csp: string[] }).__csp = []; });
  });
});

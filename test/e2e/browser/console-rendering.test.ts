import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../support/console-client';
import { ensureConsoleBuilt, HAVE_CHROMIUM, launchChromium, screenshotPath } from './browser-support';
import { scriptedConsole } from './scripted-console';

/**
 * The built console against a scripted server (Playwright routes for the REST API and the console
 * WebSocket), for what the real office cannot easily produce on demand: a drill from a portable
 * alarm under duress with its wearer and position, a technical alarm as a calm banner, keyboard
 * use of the pop-up, and the discreet panic button's silence. The shapes are those of
 * docs/protocol.md ("Console WebSocket") and server/src/routes/api.
 */
const now = new Date();
const iso = (agoMs: number) => new Date(now.getTime() - agoMs).toISOString();
const portable = {
  id: 'a-portable', siteId: 'demo', kind: 'personal', state: 'raised', drill: true, duress: true, deviceId: 'pendant-7',
  raisedAt: iso(83_000), updatedAt: iso(1000), pressCount: 3, responders: ['Ola Nordmann'],
  person: 'Per Hjemmebesøk', address: 'Fjellveien 12, 5019 Bergen', location: { lat: 60.39126, lon: 5.32205, accuracyM: 12 },
  actionCard: {
    title: { nb: 'Personalarm på hjemmebesøk', en: 'Personal alarm on a home visit' },
    steps: { nb: ['Ring den ansatte – svarer ingen, ring 112.', 'Gi politiet adressen og posisjonen.'], en: ['Call the employee – if nobody answers, call 112.', 'Give the police the address and position.'] },
    callsPolice: { nb: 'Leder på vakt ringer 112.', en: 'The manager on duty calls 112.' },
  },
};
const technical = {
  id: 'a-tech', siteId: 'demo', kind: 'technical', state: 'raised', drill: false, deviceId: 'interview-1', roomId: 'interview-1',
  roomName: 'Samtalerom 1', floor: '1', raisedAt: iso(600_000), updatedAt: iso(600_000), pressCount: 1, responders: [],
  technical: { cause: 'device-offline', subject: 'interview-1' },
};

describe.skipIf(!HAVE_CHROMIUM)('alarm console rendering (scripted server)', () => {
  let browser: Browser;
  beforeAll(async () => {
    ensureConsoleBuilt();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('a portable alarm in a drill under duress: DRILL and DURESS, wearer, address, position, press count, responders', async () => {
    const { page, context } = await scriptedConsole(browser, [portable, technical]);
    const card = page.locator('.overlay [data-alarm-id="a-portable"]');
    await card.waitFor();
    const text = (await card.textContent()) ?? '';
    for (const part of ['ØVELSE', 'TVANG', 'Personalarm', 'Person: Per Hjemmebesøk', 'Fjellveien 12, 5019 Bergen', 'Enhet: pendant-7',
      'Posisjon: 60.39126, 5.32205', '(± 12 m)', 'Trykket 3 ganger', 'På vei: Ola Nordmann', 'Personalarm på hjemmebesøk',
      'ØVELSE: gjør det kortet sier, men ikke ring 112 eller politiet.']) {
      expect(text).toContain(part);
    }
    // A drill never says who calls the police.
    expect(text).not.toContain('Leder på vakt ringer 112.');
    expect(text).toMatch(/Utløst for 1 min 2\d s siden/); // ticking, from raisedAt
    await expect(page.locator('.overlay h1').textContent()).resolves.toBe('ØVELSE');
    // The technical alarm is not in the pop-up: it waits in the calm banner underneath.
    expect(await page.locator('.overlay [data-alarm-id="a-tech"]').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('popup-drill-duress-portable.png') });
    await context.close();
  });

  it('the pop-up is keyboard operable: focus starts on "Jeg kommer", Enter answers, Escape never dismisses', async () => {
    const { page, context, sent, socket } = await scriptedConsole(browser, [portable]);
    await page.locator('.overlay [data-alarm-id="a-portable"]').waitFor();
    await eventually(async () => ((await page.evaluate('document.activeElement && document.activeElement.dataset.action')) === 'respond' ? true : undefined), 3000, 'focus on respond');
    await page.keyboard.press('Escape');
    expect(await page.locator('.overlay').count()).toBe(1);
    await page.keyboard.press('Enter');
    await eventually(() => sent.find((m) => m.type === 'respond' && m.alarmId === 'a-portable'), 3000, 'respond sent');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await eventually(() => sent.find((m) => m.type === 'acknowledge' && m.alarmId === 'a-portable'), 3000, 'acknowledge sent');
    socket().send(JSON.stringify({ type: 'clear', alarmId: 'a-portable', state: 'resolved' }));
    await page.locator('.overlay').waitFor({ state: 'detached' });
    await context.close();
  });

  it('a technical alarm is a calm banner: no overlay, no siren, acknowledge from the banner', async () => {
    const { page, context, sent } = await scriptedConsole(browser, [technical]);
    const banner = page.locator('.technical-banner');
    await banner.waitFor();
    expect(await page.locator('.overlay').count()).toBe(0);
    await expect(banner.textContent()).resolves.toContain('Enhet svarer ikke');
    await expect(banner.textContent()).resolves.toContain('Samtalerom 1');
    await page.screenshot({ path: screenshotPath('technical-banner.png') });
    await banner.locator('[data-action="acknowledge"]').click();
    await eventually(() => sent.find((m) => m.type === 'acknowledge' && m.alarmId === 'a-tech'), 3000, 'acknowledge sent');
    await context.close();
  });

  it('the discreet panic button sends {type:"panic"}; by shortcut or by click nothing on the screen changes but a small mark on the button itself', async () => {
    const { page, context, sent, socket } = await scriptedConsole(browser, []);
    await page.locator('text=Alarmer fra ditt område når nå 2 kolleger som er pålogget.').waitFor();
    await page.screenshot({ path: screenshotPath('console-armed.png') });
    const button = page.locator('#discreet-alarm');
    // Everything but the button's own 1.6 rem square stays pixel-identical (an aggressor sees nothing).
    const rest = () => page.screenshot({ mask: [button], maskColor: '#ff00ff' });
    const before = await rest();
    const buttonBefore = await button.screenshot();
    const textBefore = await page.locator('body').innerText();
    await page.keyboard.press('Control+Alt+KeyP');
    await eventually(() => sent.find((m) => m.type === 'panic'), 3000, 'panic sent');
    await eventually(async () => ((await page.getAttribute('#discreet-alarm', 'data-confirmed')) === '1' ? true : undefined), 3000, 'panic-ack');
    // Stored: the button's "LED", a small grey dot; the tooltip says it, nothing else does.
    expect(await button.getAttribute('data-feedback')).toBe('received');
    expect(await button.getAttribute('title')).toBe('Alarmen er mottatt.');
    expect(Buffer.compare(await rest(), before)).toBe(0);
    expect(Buffer.compare(await button.screenshot(), buttonBefore)).not.toBe(0);
    // Someone is coming: the dot turns green. Still no text, no overlay, no live region.
    socket().send(JSON.stringify({ type: 'panic-feedback', alarmId: 'a-own-panic', action: 'help-coming' }));
    await eventually(async () => ((await button.getAttribute('data-feedback')) === 'help-coming' ? true : undefined), 3000, 'help coming');
    expect(await button.getAttribute('title')).toBe('Hjelp er på vei.');
    await page.screenshot({ path: screenshotPath('panic-feedback-help-coming.png'), clip: { x: 0, y: 720 - 90, width: 320, height: 90 } });
    expect(Buffer.compare(await rest(), before)).toBe(0);
    expect(await page.locator('body').innerText()).toBe(textBefore);
    expect(await page.locator('.overlay').count()).toBe(0);
    // By click as well; the mark goes when the alarm is over.
    await page.click('#discreet-alarm');
    await page.mouse.move(600, 400); // as a person would move on; hover is the only trace
    await eventually(() => (sent.filter((m) => m.type === 'panic').length === 2 ? true : undefined), 3000, 'second panic sent');
    expect(Buffer.compare(await rest(), before)).toBe(0);
    socket().send(JSON.stringify({ type: 'panic-feedback', alarmId: 'a-own-panic', action: 'resolved' }));
    await eventually(async () => ((await button.getAttribute('data-feedback')) === 'none' ? true : undefined), 3000, 'mark gone');
    expect(Buffer.compare(await button.screenshot(), buttonBefore)).toBe(0);
    await context.close();
  });
});

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../support/console-client';
import { ensureConsoleBuilt, HAVE_CHROMIUM, launchChromium, screenshotPath } from './browser-support';
import { scriptedConsole } from './scripted-console';

/**
 * The alarm pop-up is a real modal and shows every open alarm (issue 12): keyboard focus never
 * leaves it, nothing behind it can be reached (the discreet panic button least of all), Escape
 * dismisses nothing, and with several alarms open each one has a row in view, newest first, on a
 * desk screen and on a phone.
 */
const ROOMS = ['Samtalerom 1', 'Samtalerom 2', 'Samtalerom 3', 'Mottak', 'Lederkontor'];
/** `count` raised panic alarms, one minute apart; index 0 is the newest. */
function openAlarms(count: number) {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    id: `a-${i}`, siteId: 'demo', kind: 'panic', state: 'raised', drill: false, deviceId: `btn-${i}`, roomId: `room-${i}`, roomName: ROOMS[i],
    floor: '1', raisedAt: new Date(now - 5_000 - i * 60_000).toISOString(), updatedAt: new Date(now - 5_000).toISOString(), pressCount: 1, responders: [],
    actionCard: {
      title: { nb: 'Overfall eller trussel', en: 'Assault or threat' },
      steps: { nb: ['Gå to sammen til rommet – aldri alene.', 'Hold avstand til den truende personen.'], en: ['Go two together.', 'Keep your distance.'] },
      callsPolice: { nb: 'Den som kommer først, ringer 112 ved vold.', en: 'The first to arrive calls 112 if there is violence.' },
    },
  }));
}

// In the page (strings: the test code itself is type-checked without the DOM library).
const focusInsideDialog = (page: Page) => page.evaluate<boolean>(`(() => {
  const dialog = document.querySelector('.overlay[role="alertdialog"]');
  const active = document.activeElement;
  return Boolean(dialog && active && active !== document.body && dialog.contains(active));
})()`);
const focusedAction = (page: Page) => page.evaluate<string | null>('document.activeElement?.dataset.action ?? null');
const inPage = <T>(page: Page, expression: string) => page.evaluate<T>(expression);

describe.skipIf(!HAVE_CHROMIUM)('the alarm pop-up is a modal that shows every open alarm', () => {
  let browser: Browser;
  beforeAll(async () => {
    ensureConsoleBuilt();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('keeps focus inside through 30 Tabs and 30 Shift+Tabs; Enter on every control, and Escape, never raise a panic', async () => {
    // Two alarms: the rows of the list are controls too. The station has the discreet panic button.
    const { page, context, sent } = await scriptedConsole(browser, openAlarms(2));
    await page.locator('.overlay [data-alarm-id="a-0"]').waitFor();
    await eventually(async () => ((await focusedAction(page)) === 'respond' ? true : undefined), 3000, 'focus on "Jeg kommer"');
    // Everything behind the pop-up is inert and hidden from screen readers, the panic button too.
    expect(await inPage(page, `Boolean(document.querySelector('#discreet-alarm')?.closest('[inert][aria-hidden="true"]'))`)).toBe(true);
    expect(await inPage(page, `Boolean(document.querySelector('.topbar')?.closest('[inert]'))`)).toBe(true);

    const visited = new Set<string>();
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press(key);
        expect(await focusInsideDialog(page), `${key} #${i + 1}`).toBe(true);
        visited.add(await inPage<string>(page, 'document.activeElement.outerHTML.slice(0, 80)'));
      }
    }
    expect(visited.size).toBeGreaterThanOrEqual(5); // rows, "Jeg kommer", "Kvitter", outcome, "Løs"
    await page.keyboard.press('Escape');
    expect(await page.locator('.overlay').count()).toBe(1);

    // Enter on each control in turn (Tab between them): answers alarms, never a panic.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Enter');
      await page.keyboard.press('Escape');
      expect(await focusInsideDialog(page), `after Enter #${i + 1}`).toBe(true);
      await page.keyboard.press('Tab');
    }
    await eventually(() => sent.find((m) => m.type === 'respond'), 3000, 'Enter on "Jeg kommer" answered the alarm');
    expect(sent.filter((m) => m.type === 'panic')).toEqual([]);
    expect(await page.getAttribute('#discreet-alarm', 'data-confirmed')).toBe('0');
    expect(await page.locator('.overlay').count()).toBe(1);

    // The shortcut stays live on purpose (a person at this desk can be threatened too): only the
    // deliberate Ctrl+Alt+P chord sends a panic, and the pop-up stays as it was.
    await page.keyboard.press('Control+Alt+KeyP');
    await eventually(() => sent.find((m) => m.type === 'panic'), 3000, 'panic by the deliberate shortcut');
    expect(await page.locator('.overlay [data-alarm-id]').count()).toBe(1);
    await context.close();
  });

  for (const viewport of [{ width: 1280, height: 720 }, { width: 390, height: 844 }]) {
    for (const count of [2, 5]) {
      it(`${count} open alarms at ${viewport.width}x${viewport.height}: a row for each in view, newest first; any of them opens with a click`, async () => {
        // Sent oldest first, in a shuffled order: the list sorts by when each was raised.
        const alarms = openAlarms(count);
        const { page, context, socket } = await scriptedConsole(browser, [...alarms].reverse(), { viewport });
        const rows = page.locator('.overlay [data-alarm-row]');
        await eventually(async () => ((await rows.count()) === count ? true : undefined), 5000, `${count} rows`);
        expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-alarm-row')))).toEqual(alarms.map((a) => a.id));
        for (let i = 0; i < count; i++) {
          const box = (await rows.nth(i).boundingBox())!;
          expect(box.y, `row ${i} top`).toBeGreaterThanOrEqual(0);
          expect(box.y + box.height, `row ${i} bottom`).toBeLessThanOrEqual(viewport.height);
          expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
          await expect(rows.nth(i).textContent()).resolves.toContain(ROOMS[i]);
        }
        // The newest alarm's card is the one shown, its "Jeg kommer" focused.
        await page.locator('.overlay .alarm-card[data-alarm-id="a-0"]').waitFor();
        expect(await focusedAction(page)).toBe('respond');
        if (viewport.width === 1280) {
          const respond = (await page.locator('.overlay .alarm-card [data-action="respond"]').boundingBox())!;
          expect(respond.y + respond.height).toBeLessThanOrEqual(viewport.height);
        }
        if (count === 5) await page.screenshot({ path: screenshotPath(`popup-${count}-alarms-${viewport.width}x${viewport.height}.png`) });

        // The oldest, picked from the list: its card, its "Jeg kommer" focused.
        const oldest = `a-${count - 1}`;
        await page.click(`[data-alarm-row="${oldest}"]`);
        await page.locator(`.overlay .alarm-card[data-alarm-id="${oldest}"]`).waitFor();
        expect(await inPage(page, `document.activeElement.closest('[data-alarm-id]')?.getAttribute('data-alarm-id')`)).toBe(oldest);
        expect(await focusedAction(page)).toBe('respond');

        // A new alarm comes in: first in the list, but the picked card stays under the hand.
        const fresh = { ...openAlarms(1)[0]!, id: 'a-new', roomName: 'Bakkontor', raisedAt: new Date().toISOString() };
        socket().send(JSON.stringify({ type: 'popup', alarm: fresh }));
        await eventually(async () => ((await rows.count()) === count + 1 ? true : undefined), 5000, 'the new row');
        expect(await rows.first().getAttribute('data-alarm-row')).toBe('a-new');
        expect(await page.locator('.overlay .alarm-card').getAttribute('data-alarm-id')).toBe(oldest);
        // When the picked alarm is closed, the newest is shown again.
        socket().send(JSON.stringify({ type: 'clear', alarmId: oldest, state: 'resolved' }));
        await page.locator('.overlay .alarm-card[data-alarm-id="a-new"]').waitFor();
        await context.close();
      });
    }
  }
});

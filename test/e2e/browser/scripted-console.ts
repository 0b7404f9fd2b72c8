import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { ROOT } from './browser-support';

/**
 * The built console against a scripted server: Playwright routes answer the REST API and the
 * console WebSocket with the shapes of docs/protocol.md ("Console WebSocket") and
 * server/src/routes/api, for what the real office cannot easily produce on demand (five alarms at
 * once, a drill from a portable alarm under duress). `sent` records what the console sent.
 */
const DIST = resolve(ROOT, 'alarm-console/dist');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

export const site = {
  id: 'demo', name: 'Demokontoret', address: 'Storgata 1, 5015 Bergen', timezone: 'Europe/Oslo', defaultChain: 'standard',
  zones: [{ id: 'front', name: 'Mottak' }, { id: 'back', name: 'Bakkontor' }],
  rooms: [
    { id: 'interview-1', name: 'Samtalerom 1', zoneId: 'front', floor: '1', position: { x: 42.5, y: 22 } },
    { id: 'backoffice', name: 'Bakkontor', zoneId: 'back', floor: '1', position: { x: 32.5, y: 78 } },
  ],
  devices: [], stations: [{ id: 'backoffice', name: 'Bakkontor-PC', zoneId: 'back', roomId: 'backoffice' }], groups: [], chains: [], gateways: [],
  floorPlans: [{ floor: '1', image: '/floor-plans/demo-floor-1.svg' }],
};
export interface Scripted { page: Page; context: BrowserContext; sent: Record<string, unknown>[]; socket: () => WebSocketRoute }

export async function scriptedConsole(browser: Browser, openAlarms: object[], opts: { viewport?: { width: number; height: number } } = {}): Promise<Scripted> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 720 }, baseURL: 'http://trygg.test' });
  const sent: Record<string, unknown>[] = [];
  let current: WebSocketRoute | undefined;
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    const json = (body: unknown) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
    switch (url.pathname) {
      case '/api/v1/session': return json({ user: { username: 'kollega', name: 'Kari Kollega', role: 'responder', sites: ['demo'] } });
      case '/api/v1/stations': return json({ stations: [{ id: 'backoffice', name: 'Bakkontor-PC', siteId: 'demo', zoneId: 'back' }] });
      case '/api/v1/sites': return json({ sites: [site] });
      case '/api/v1/coverage': return json({ rooms: [{ siteId: 'demo', roomId: 'backoffice', roomName: 'Bakkontor', reachableStations: ['x', 'y'], respondersOnline: 2, reachesNobody: false }] });
      default: {
        const file = join(DIST, url.pathname === '/' ? 'index.html' : url.pathname);
        if (!file.startsWith(DIST) || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
        return route.fulfill({ status: 200, contentType: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
      }
    }
  });
  await context.routeWebSocket('**/ws/console', (ws) => {
    current = ws;
    ws.onMessage((data) => {
      const msg = JSON.parse(String(data)) as Record<string, unknown>;
      sent.push(msg);
      if (msg.type === 'hello') {
        ws.send(JSON.stringify({ type: 'welcome', stationId: msg.stationId, siteId: 'demo', user: 'Kari Kollega', openAlarms: openAlarms.length }));
        for (const alarm of openAlarms) ws.send(JSON.stringify({ type: 'popup', alarm }));
      }
      if (msg.type === 'panic') ws.send(JSON.stringify({ type: 'panic-ack', alarmId: 'a-own-panic' }));
    });
  });
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  await page.goto('/');
  await page.selectOption('#station-select', 'backoffice');
  await page.click('#arm');
  await page.waitForSelector('[data-connection="connected"]');
  return { page, context, sent, socket: () => current! };
}


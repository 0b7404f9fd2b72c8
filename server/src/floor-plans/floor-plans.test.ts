import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port';
import { TINY_PDF, TINY_PNG } from '../../../test/support/floor-plan-fixtures';
import { loginAs, OTHER_SITE_MANAGER, twoSiteOffice } from '../../../test/support/two-site-office';
import { startTrygg, type RunningTrygg } from '../server';
import { MAX_FLOOR_PLAN_BYTES } from './floor-plan-file';
import { FloorPlansFeature } from './floor-plans-feature';
import { FloorPlanStore } from './floor-plan-store';

const HOSTILE_SVG = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" onload="fetch(\'/api/v1/users\')">'
  + '<script>alert(document.cookie)</script><rect width="100" height="50" fill="#eee"/></svg>');

describe('floor plans uploaded in the console', () => {
  let dir: string;
  let running: RunningTrygg;
  let app: FastifyInstance;
  let manager: string;
  let kollega: string;
  let other: string;

  const upload = (bytes: Buffer, opts: { floor?: string; cookie?: string; type?: string } = {}) => app.inject({
    method: 'PUT', url: `/api/v1/sites/demo/floor-plans/${opts.floor ?? '1'}`, payload: bytes,
    headers: { cookie: opts.cookie ?? manager, 'content-type': opts.type ?? 'application/octet-stream' },
  });
  const plans = () => running.directory.site('demo')!.floorPlans ?? [];
  const rejected = async (code: string) => {
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    return Number(new RegExp(`^trygg_http_rejected_total\\{code="${code}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-floor-plans-'));
    running = await startTrygg({
      config: twoSiteOffice(), dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [], features: [() => new FloorPlansFeature()], logger: pino({ level: 'silent' }), env: {},
    });
    app = running.app;
    manager = await loginAs(app, 'manager');
    kollega = await loginAs(app, 'kollega');
    other = await loginAs(app, OTHER_SITE_MANAGER);
  });
  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a PNG becomes the floor\'s plan in a new configuration version, served to the site\'s people with safe headers', async () => {
    const res = await upload(TINY_PNG, { type: 'image/png' });
    expect(res.statusCode).toBe(201);
    const { floorPlan } = res.json() as { floorPlan: { floor: string; image: string } };
    expect(floorPlan.image).toMatch(/^\/api\/v1\/floor-plans\/[0-9a-f]{64}\.png$/);
    expect(plans()).toEqual([floorPlan]);

    const served = await app.inject({ method: 'GET', url: floorPlan.image, headers: { cookie: kollega } });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['content-security-policy']).toMatch(/sandbox/);
    expect(served.rawPayload.equals(TINY_PNG)).toBe(true);
    // Another office's manager, and nobody logged in, get nothing.
    expect((await app.inject({ method: 'GET', url: floorPlan.image, headers: { cookie: other } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: floorPlan.image })).statusCode).toBe(401);

    // Stored in the database file beside the configuration, not in the source tree.
    const store = new FloorPlanStore(join(dir, 'trygg.db'));
    try {
      expect(store.get(floorPlan.image.split('/').at(-1)!)?.bytes.equals(TINY_PNG)).toBe(true);
    } finally {
      store.close();
    }
  });

  it('an SVG is served as image/svg+xml under a sandbox policy that runs no script and loads nothing', async () => {
    const res = await upload(HOSTILE_SVG, { floor: '2', type: 'image/svg+xml' });
    expect(res.statusCode).toBe(201);
    const image = (res.json() as { floorPlan: { image: string } }).floorPlan.image;
    expect(image).toMatch(/\.svg$/);
    const served = await app.inject({ method: 'GET', url: image, headers: { cookie: kollega } });
    expect(served.headers['content-type']).toBe('image/svg+xml');
    expect(served.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox");
    expect(plans().map((p) => p.floor)).toEqual(['1', '2']);
  });

  it('a PDF\'s first page becomes a PNG', async () => {
    const res = await upload(TINY_PDF, { floor: '3', type: 'application/pdf' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ converted: 'first page of the PDF as PNG' });
    const image = (res.json() as { floorPlan: { image: string } }).floorPlan.image;
    const served = await app.inject({ method: 'GET', url: image, headers: { cookie: manager } });
    expect(served.headers['content-type']).toBe('image/png');
    const png = served.rawPayload;
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // Scaled to 2000 px on the longer side: 200 x 100 points become 2000 x 1000 pixels.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2000, 1000]);
  });

  it('refuses wrong types by their bytes, oversized files and unreadable PDFs with a coded error, counted, changing nothing', async () => {
    const before = plans();
    const typeRefusals = await rejected('TRYGG_SRV_FLOOR_PLAN_TYPE');
    const jpeg = await upload(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]), { type: 'image/png' });
    expect(jpeg.statusCode).toBe(415);
    expect(jpeg.json()).toEqual({ code: 'TRYGG_SRV_FLOOR_PLAN_TYPE', message: 'a floor plan must be a PNG, an SVG or a PDF; this is a JPEG (convert it to PNG)' });
    const html = await upload(Buffer.from('<html><script>alert(1)</script></html>'), { type: 'image/svg+xml' });
    expect(html.json()).toMatchObject({ code: 'TRYGG_SRV_FLOOR_PLAN_TYPE' });
    const entities = await upload(Buffer.from('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>'));
    expect(entities.json()).toMatchObject({ code: 'TRYGG_SRV_FLOOR_PLAN_TYPE', message: expect.stringContaining('entity declarations') });
    expect(await rejected('TRYGG_SRV_FLOOR_PLAN_TYPE')).toBe(typeRefusals + 3);

    const big = await upload(Buffer.concat([TINY_PNG, Buffer.alloc(MAX_FLOOR_PLAN_BYTES)]));
    expect(big.statusCode).toBe(413);
    expect(big.json()).toEqual({ code: 'TRYGG_SRV_FLOOR_PLAN_TOO_LARGE', message: 'floor plan too large: 8.0 MiB (at most 8 MiB)' });
    expect(await rejected('TRYGG_SRV_FLOOR_PLAN_TOO_LARGE')).toBe(1);

    const broken = await upload(Buffer.from('%PDF-1.4\nthis is no pdf at all'));
    expect(broken.statusCode).toBe(422);
    expect(broken.json()).toMatchObject({ code: 'TRYGG_SRV_FLOOR_PLAN_PDF' });
    expect(plans()).toEqual(before);
  });

  it('a responder may not upload; a manager removes a floor\'s plan', async () => {
    expect((await upload(TINY_PNG, { cookie: kollega })).statusCode).toBe(403);
    const res = await app.inject({ method: 'DELETE', url: '/api/v1/sites/demo/floor-plans/2', headers: { cookie: manager } });
    expect(res.statusCode).toBe(200);
    expect(plans().map((p) => p.floor)).toEqual(['1', '3']);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/sites/demo/floor-plans/2', headers: { cookie: manager } })).statusCode).toBe(404);
  });
});

describe('without pdftoppm', () => {
  it('a PDF is refused with the package to install', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-floor-plans-'));
    const running = await startTrygg({
      config: twoSiteOffice(), dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [], features: [() => new FloorPlansFeature('/nonexistent/pdftoppm')], logger: pino({ level: 'silent' }), env: {},
    });
    try {
      const cookie = await loginAs(running.app, 'manager');
      const res = await running.app.inject({ method: 'PUT', url: '/api/v1/sites/demo/floor-plans/1', payload: TINY_PDF, headers: { cookie, 'content-type': 'application/pdf' } });
      expect(res.json()).toEqual({ code: 'TRYGG_SRV_FLOOR_PLAN_PDF', message: 'the first page of the PDF could not be made a floor plan: /nonexistent/pdftoppm is not installed (Debian package poppler-utils)' });
    } finally {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

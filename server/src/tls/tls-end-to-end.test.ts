/**
 * TLS in the product (issue 10), end to end with certificates made at test time: the console
 * over HTTPS and WSS, a gateway on MQTTS with its client certificate, a device on MQTTS, a press
 * stored and shown on the console; a client trusting another CA is refused; a gateway
 * certificate logs in only as the account it names.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSimulator } from '@trygg/firmware-sim';
import { startGateway } from '@trygg/gateway';
import type { ConsoleServerMessage } from '@trygg/protocol';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort } from '../../../test/support/free-port';
import { hashPassword } from '../auth/password';
import { loadConfigFile } from '../config/load-config';
import { DEMO_CONFIG } from '../environment';
import { startTrygg, type RunningTrygg } from '../server';
import { loadTlsMaterial } from './tls-material';
import { issue, makeCa, type TestCertificate } from './test-certificates';

const logger = pino({ level: 'silent' });

interface HttpsAnswer { status: number; body: Record<string, unknown>; cookie?: string; setCookie: string[] }

function https(port: number, ca: string, method: string, path: string, opts: { body?: unknown; cookie?: string } = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = request({
      host: 'localhost', port, method, path, ca,
      headers: { ...(body && { 'content-type': 'application/json' }), ...(opts.cookie && { cookie: opts.cookie }), origin: `https://localhost:${port}` },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => {
        const setCookie = res.headers['set-cookie'] ?? [];
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) as Record<string, unknown> : {}, cookie: setCookie[0]?.split(';')[0], setCookie });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** CONNACK of one MQTTS CONNECT: 0 accepted, else the refusal code; a TLS failure rejects. */
async function connack(url: string, options: mqtt.IClientOptions): Promise<number> {
  const client = mqtt.connect(url, { ...options, reconnectPeriod: 0, connectTimeout: 10_000 });
  try {
    return await new Promise<number>((resolve, reject) => {
      client.once('connect', () => resolve(0));
      client.once('error', (err: Error & { code?: number | string }) => (typeof err.code === 'number' ? resolve(err.code) : reject(err)));
      // A refused CONNACK emits 'error' first; a connection cut before any answer only closes.
      client.once('close', () => reject(new Error('connection closed without a CONNACK')));
    });
  } finally {
    client.end(true);
  }
}

describe('TLS: HTTPS, WSS and MQTTS from PEM files, client certificates for gateways', () => {
  let dir: string;
  let running: RunningTrygg;
  let ca: TestCertificate;
  let rogue: TestCertificate;
  let certs: Record<'demoGw' | 'gwB' | 'rogueDemoGw', TestCertificate>;
  let mqttsUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-tls-'));
    ca = makeCa(dir, 'trygg-test-ca');
    rogue = makeCa(dir, 'rogue-ca');
    const server = issue(dir, ca, 'server', 'server');
    certs = {
      demoGw: issue(dir, ca, 'demo-gw', 'client'),
      // Named by a SAN, not the CN: both are the certificate's names.
      gwB: issue(dir, ca, 'gw-b-cert', 'client', { san: 'DNS:gw-b' }),
      rogueDemoGw: issue(dir, rogue, 'demo-gw-rogue', 'client'),
    };
    const config = loadConfigFile(DEMO_CONFIG);
    config.sites[0]!.gateways.push({ id: 'gw-b', username: 'gw-b', passwordHash: await hashPassword('gw-b-password') });
    running = await startTrygg({
      config, dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [], features: [], logger,
      tls: loadTlsMaterial({ certFile: server.certFile, keyFile: server.keyFile, caFile: ca.certFile }),
    });
    mqttsUrl = `mqtts://localhost:${running.mqttPort}`;
  });

  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the console API over HTTPS with a Secure, HttpOnly, SameSite=Strict session cookie', async () => {
    const login = await https(running.httpPort, ca.cert, 'POST', '/api/v1/session', { body: { username: 'kollega', password: 'trygg-demo' } });
    expect(login.status).toBe(200);
    expect(login.setCookie[0]).toMatch(/; HttpOnly/);
    expect(login.setCookie[0]).toMatch(/; Secure/);
    expect(login.setCookie[0]).toMatch(/; SameSite=Strict/);
    const me = await https(running.httpPort, ca.cert, 'GET', '/api/v1/session', { cookie: login.cookie });
    expect(me.body).toMatchObject({ user: { username: 'kollega' } });
  });

  it('refuses clients that trust another CA: HTTPS and MQTTS', async () => {
    await expect(https(running.httpPort, rogue.cert, 'GET', '/api/v1/session')).rejects.toThrow(/self-signed|unable to verify|certificate/i);
    await expect(connectSimulator({ url: mqttsUrl, ca: rogue.cert, siteId: 'demo', username: 'demo-devices', password: 'trygg-demo-devices' }))
      .rejects.toMatchObject({ code: 'TRYGG_SIM_CONNECT_FAILED' });
    // Plain MQTT on the MQTTS port gets nowhere either.
    await expect(connack(`mqtt://127.0.0.1:${running.mqttPort}`, { username: 'demo-devices', password: 'trygg-demo-devices' })).rejects.toThrow();
  });

  it('a press over MQTTS through a gateway with its client certificate is stored and reaches a console over WSS', async () => {
    const login = await https(running.httpPort, ca.cert, 'POST', '/api/v1/session', { body: { username: 'kollega', password: 'trygg-demo' } });
    const ws = new WebSocket(`wss://localhost:${running.httpPort}/ws/console`, { ca: ca.cert, headers: { cookie: login.cookie!, origin: `https://localhost:${running.httpPort}` } });
    const messages: ConsoleServerMessage[] = [];
    const arrived = new Set<() => void>();
    ws.on('message', (data) => { messages.push(JSON.parse(data.toString()) as ConsoleServerMessage); for (const f of arrived) f(); });
    const until = (p: () => boolean) => new Promise<void>((resolve) => {
      const check = () => { if (p()) { arrived.delete(check); resolve(); } };
      arrived.add(check);
      check();
    });
    await once(ws, 'open');
    ws.send(JSON.stringify({ type: 'hello', stationId: 'backoffice' }));
    await until(() => messages.some((m) => m.type === 'welcome'));

    const gateway = await startGateway({
      siteId: 'demo', gatewayId: 'demo-gw', dataDir: join(dir, 'gateway'), reconnectPeriodMs: 200, logger,
      uplink: { url: mqttsUrl, username: 'demo-gw', password: 'trygg-demo-gateway', tls: { ca: ca.cert, cert: certs.demoGw.cert, key: certs.demoGw.key } },
    });
    const sim = await (async () => {
      await gateway.ready();
      return connectSimulator({ url: mqttsUrl, ca: ca.cert, siteId: 'demo', username: 'demo-devices', password: 'trygg-demo-devices', reconnectPeriodMs: 200 });
    })();
    try {
      const confirmed = await sim.pressReliably('reception-desk');
      const alarmId = (confirmed.command as { alarmId?: string }).alarmId;
      expect(alarmId).toBeTruthy();
      expect(await running.store.getAlarm(alarmId!)).toMatchObject({ deviceId: 'reception-desk', siteId: 'demo' });
      await until(() => messages.some((m) => m.type === 'popup' && m.alarm.id === alarmId));
    } finally {
      ws.close();
      await sim.close();
      await gateway.stop();
    }
  });

  it('binds a gateway certificate to the account it names; gateway accounts need one', async () => {
    const tls = (c: TestCertificate) => ({ ca: ca.cert, cert: c.cert, key: c.key });
    const gwB = { username: 'gw-b', password: 'gw-b-password' };
    const NOT_AUTHORIZED = 5;
    // Right password, certificate for another gateway: refused.
    expect(await connack(mqttsUrl, { ...gwB, clientId: 'b-with-a-cert', ...tls(certs.demoGw) })).toBe(NOT_AUTHORIZED);
    // Right password, no certificate; and a certificate with the right name from another CA.
    expect(await connack(mqttsUrl, { ...gwB, clientId: 'b-without', ca: ca.cert })).toBe(NOT_AUTHORIZED);
    expect(await connack(mqttsUrl, { username: 'demo-gw', password: 'trygg-demo-gateway', clientId: 'rogue', ...tls(certs.rogueDemoGw) })).toBe(NOT_AUTHORIZED);
    // Its own certificate (named by SAN): accepted. A wrong password with it still is not.
    expect(await connack(mqttsUrl, { ...gwB, clientId: 'b-own', ...tls(certs.gwB) })).toBe(0);
    expect(await connack(mqttsUrl, { username: 'gw-b', password: 'wrong', clientId: 'b-own-wrong', ...tls(certs.gwB) })).toBe(4);
    // Devices keep password logins without a certificate (3 = admitted once their gateway consumes).
    const device = { username: 'demo-devices', password: 'trygg-demo-devices', ca: ca.cert };
    expect([0, 3]).toContain(await connack(mqttsUrl, { ...device, clientId: 'dev' }));
    // MQTT over secure WebSocket at /mqtt: devices yes; gateway accounts, which need a certificate, no.
    const wss = `wss://localhost:${running.httpPort}/mqtt`;
    expect([0, 3]).toContain(await connack(wss, { ...device, clientId: 'dev-ws' }));
    expect(await connack(wss, { username: 'demo-gw', password: 'trygg-demo-gateway', clientId: 'gw-ws', ca: ca.cert })).toBe(NOT_AUTHORIZED);
  });
});

/**
 * The chaos run's HID gateway: `startGateway` exactly as `gateway/src/main.ts` runs it, except
 * that the HID transport gets a fake node-hid (the one boundary we cannot reach here: USB
 * hardware). The harness is the person pressing the buttons: over IPC it says `press <device>`,
 * this process plays the button's input reports into the open handle (firmware-sim's reference
 * panic button), and answers what the gateway did with it:
 *   `read`      the report reached the transport (an open device got it),
 *   `not-open`  the device is not open (yet): a press nobody could hear,
 *   `stored`    the gateway committed the press to its outbox (the first durable point).
 * Environment as gateway/src/main.ts (MQTT_PORT, MQTT_USERNAME, MQTT_PASSWORD, SITE_ID,
 * GATEWAY_ID, TRYGG_DATA_DIR, LOG_LEVEL) plus CHAOS_HID_DEVICES (a JSON list of device ids).
 */
import { resolve } from 'node:path';
import { SimulatedHidPanicButton } from '@trygg/firmware-sim';
import { pino } from 'pino';
import { startGateway, transportFactories } from '../gateway/src/index';
import { FakeHidBackend } from '../gateway/src/transports/hid/fake-hid-backend';
import { HidDeviceTransport } from '../gateway/src/transports/hid/hid-device-transport';

export type HidParentMessage = { type: 'press'; deviceId: string };
export type HidChildMessage =
  | { type: 'ready' }
  | { type: 'read'; deviceId: string }
  | { type: 'not-open'; deviceId: string }
  | { type: 'stored'; deviceId: string; eventId: string };

const env = process.env;
const logger = pino({ level: env.LOG_LEVEL ?? 'info', base: { service: 'trygg-gateway' } });
const deviceIds = JSON.parse(env.CHAOS_HID_DEVICES ?? '[]') as string[];
const send = (message: HidChildMessage) => process.send?.(message);

// Every button is plugged in, each with its own serial number, like a row of identical buttons.
const backend = new FakeHidBackend();
const buttons = new Map<string, { path: string; device: SimulatedHidPanicButton }>();
for (const id of deviceIds) {
  const device = new SimulatedHidPanicButton();
  const path = `/dev/hidraw-chaos-${id}`;
  backend.plug({ path, vendorId: device.vendorId, productId: device.productId, usagePage: device.usagePage, usage: device.usage, serialNumber: id });
  buttons.set(id, { path, device });
}
transportFactories.hid = (ctx, config) => new HidDeviceTransport(ctx, config, { loadBackend: async () => backend });

// Listening before the gateway starts: a press during start-up finds no open device, and says so
// (until `listening`, because a commit before the `stored` listener would go untold).
let listening = false;
process.on('message', (message: HidParentMessage) => {
  if (message?.type !== 'press') return;
  const button = buttons.get(message.deviceId);
  const handle = button && backend.handle(button.path);
  if (!listening || !button || !handle || handle.closed) {
    send({ type: 'not-open', deviceId: message.deviceId });
    return;
  }
  handle.send(button.device.report(true));
  send({ type: 'read', deviceId: message.deviceId });
  // Released a moment later, as a finger lets go; the press itself is reported at once.
  setTimeout(() => {
    if (!handle.closed) handle.send(button.device.report(false));
  }, 150);
});

const gateway = await startGateway({
  siteId: env.SITE_ID ?? 'demo',
  gatewayId: env.GATEWAY_ID ?? 'gw-hid',
  uplink: { url: `mqtt://127.0.0.1:${env.MQTT_PORT ?? 1883}`, username: env.MQTT_USERNAME, password: env.MQTT_PASSWORD },
  transports: [{ kind: 'hid', devices: deviceIds.map((deviceId) => ({ deviceId, model: 'trygg-panic-v1', serialNumber: deviceId })) }],
  dataDir: resolve(env.TRYGG_DATA_DIR ?? './data'),
  logger,
});
gateway.on('stored', (event) => {
  if (event.kind === 'press') send({ type: 'stored', deviceId: event.deviceId, eventId: event.eventId });
});
listening = true;
logger.info({ outboxDepth: gateway.outboxDepth(), devices: deviceIds.length }, 'gateway started');
void gateway.ready().then(() => send({ type: 'ready' }));

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  gateway.stop().then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);

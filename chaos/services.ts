import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { DeviceTransportConfig } from '../gateway/src/index';
import { friendlyNameOf, ZIGBEE_MODEL } from './devices/zigbee-devices';
import { GATEWAY_PASSWORD, HID_GATEWAY, MAIN_GATEWAY, SITE_ID, type DevicePlan } from './office-config';
import type { ProcessSpec } from './supervised-process';

export const ROOT = resolve(import.meta.dirname, '..');

export interface Ports {
  http: number;
  mqtt: number;
  zigbeeBroker: number;
}

/** The environment every child gets: the harness's own, less what would change the children's behaviour. */
function baseEnv(): Record<string, string | undefined> {
  const env = { ...process.env };
  for (const key of ['PORT', 'MQTT_PORT', 'MQTT_URL', 'MQTT_HOST', 'TRYGG_CONFIG', 'TRYGG_DATA_DIR', 'GATEWAY_CONFIG', 'DEVICE_MQTT_URL', 'NODE_OPTIONS']) delete env[key];
  return env;
}

const tsx = (file: string) => [process.execPath, ['--import', 'tsx', file]] as const;

/** `npm start` as operators run it, with the gateway kept out of the process (TRYGG_EMBEDDED_GATEWAY=off). */
export function serverSpec(dir: string, ports: Ports, configFile: string): ProcessSpec {
  const [command, args] = tsx('server/src/main.ts');
  return {
    name: 'server',
    command, args: [...args], cwd: ROOT,
    env: {
      ...baseEnv(),
      PORT: String(ports.http), HOST: '127.0.0.1', MQTT_PORT: String(ports.mqtt),
      TRYGG_DATA_DIR: join(dir, 'server'), TRYGG_CONFIG: configFile, TRYGG_EMBEDDED_GATEWAY: 'off',
      // Consoles that were online at a crash count as online while they reconnect.
      TRYGG_PRESENCE_GRACE_MS: '30000',
      LOG_LEVEL: 'info',
    },
    logFile: join(dir, 'logs', 'server.log'),
    ready: async () => (await fetch(`http://127.0.0.1:${ports.http}/readyz`, { signal: AbortSignal.timeout(1000) })).ok,
    restartDelayMs: 300,
  };
}

/** `npm run gateway` (gateway/src/main.ts) with a serial receiver and Zigbee2MQTT; it adds the MQTT devices itself. */
export function mainGatewaySpec(dir: string, ports: Ports, plan: DevicePlan, serialPath: string | null): ProcessSpec {
  const transports: DeviceTransportConfig[] = [];
  if (serialPath && plan.serial.length > 0) transports.push({ kind: 'serial', path: serialPath, devices: plan.serial, reconnectMs: 250 });
  if (plan.zigbee.length > 0) {
    transports.push({
      kind: 'zigbee2mqtt', url: `mqtt://127.0.0.1:${ports.zigbeeBroker}`, reconnectPeriodMs: 250,
      devices: plan.zigbee.map((deviceId) => ({ friendlyName: friendlyNameOf(deviceId), deviceId, model: ZIGBEE_MODEL })),
    });
  }
  const configFile = join(dir, `${MAIN_GATEWAY}.yaml`);
  writeFileSync(configFile, stringify({ transports }));
  const [command, args] = tsx('gateway/src/main.ts');
  return {
    name: MAIN_GATEWAY,
    command, args: [...args], cwd: ROOT,
    env: {
      ...baseEnv(),
      MQTT_PORT: String(ports.mqtt), MQTT_USERNAME: MAIN_GATEWAY, MQTT_PASSWORD: GATEWAY_PASSWORD,
      SITE_ID, GATEWAY_ID: MAIN_GATEWAY, TRYGG_DATA_DIR: join(dir, MAIN_GATEWAY), GATEWAY_CONFIG: configFile, LOG_LEVEL: 'info',
    },
    logFile: join(dir, 'logs', `${MAIN_GATEWAY}.log`),
    readyLine: /"msg":"gateway started"/,
    restartDelayMs: 300,
  };
}

/** The HID gateway (chaos/hid-gateway.ts): the same gateway code with a fake node-hid fed over IPC. */
export function hidGatewaySpec(dir: string, ports: Ports, plan: DevicePlan): ProcessSpec {
  const [command, args] = tsx('chaos/hid-gateway.ts');
  return {
    name: HID_GATEWAY,
    command, args: [...args], cwd: ROOT,
    env: {
      ...baseEnv(),
      MQTT_PORT: String(ports.mqtt), MQTT_USERNAME: HID_GATEWAY, MQTT_PASSWORD: GATEWAY_PASSWORD,
      SITE_ID, GATEWAY_ID: HID_GATEWAY, TRYGG_DATA_DIR: join(dir, HID_GATEWAY), CHAOS_HID_DEVICES: JSON.stringify(plan.hid), LOG_LEVEL: 'info',
    },
    logFile: join(dir, 'logs', `${HID_GATEWAY}.log`),
    readyLine: /"msg":"gateway started"/,
    ipc: true,
    restartDelayMs: 300,
  };
}

/**
 * Zigbee2MQTT's broker: a real Mosquitto set up as Trygg needs an external broker to be
 * (persistence on, room to queue for a gateway that is away for a while; the gateway's session
 * is persistent with QoS 1 subscriptions).
 */
export function zigbeeBrokerSpec(dir: string, ports: Ports): ProcessSpec {
  const data = join(dir, 'mosquitto');
  mkdirSync(data, { recursive: true });
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [
    `listener ${ports.zigbeeBroker} 127.0.0.1`,
    'allow_anonymous true',
    'persistence true',
    `persistence_location ${data}/`,
    'autosave_interval 60',
    'max_queued_messages 100000',
    'max_inflight_messages 100',
    // Started as root, Mosquitto would switch to user "mosquitto", who cannot write the temp dir.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    'log_dest stdout',
    'log_type error',
    'log_type warning',
    'log_type notice',
    '',
  ].join('\n'));
  return {
    name: 'zigbee-broker',
    command: 'mosquitto', args: ['-c', conf], cwd: dir,
    env: baseEnv(),
    logFile: join(dir, 'logs', 'zigbee-broker.log'),
    ready: () => new Promise((ok) => {
      const socket = connect(ports.zigbeeBroker, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); ok(true); });
      socket.once('error', () => ok(false));
    }),
    restartDelayMs: 200,
  };
}

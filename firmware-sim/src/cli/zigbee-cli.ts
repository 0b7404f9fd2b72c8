import { parseArgs } from 'node:util';
import { SimulatedZigbee2Mqtt } from '../devices/zigbee-bridge';
import { DEFAULT_ZIGBEE_MODEL, findZigbeeModel, ZIGBEE_MODELS } from '../devices/zigbee-models';
import type { CliIo } from './run-cli';

export type ZigbeeAction = 'press' | 'release' | 'battery' | 'online' | 'offline';

export interface ZigbeeCliCommand {
  kind: 'zigbee';
  action: ZigbeeAction;
  friendlyName: string;
  model: string;
  pressAction?: string;
  battery?: number;
  baseTopic: string;
  retain: boolean;
  lastSeen: 'ISO_8601' | 'epoch' | 'disable';
  url: string;
  username?: string;
  password?: string;
}

export const ZIGBEE_USAGE = `  zigbee <press|release|battery|online|offline> <friendlyName>
                          play Zigbee2MQTT: publish a real-shaped payload of an SOS button
                          on <base>/<friendlyName> (--model, --action, --battery N,
                          --base-topic zigbee2mqtt, --retain, --last-seen iso|epoch|none;
                          no --username/--password unless given)`;

/** A usage problem in `zigbee` arguments; printed as one line by the CLI. */
export class ZigbeeUsageError extends Error {}

const ACTIONS: readonly ZigbeeAction[] = ['press', 'release', 'battery', 'online', 'offline'];
const LAST_SEEN = { iso: 'ISO_8601', epoch: 'epoch', none: 'disable' } as const;

const options = {
  url: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  model: { type: 'string' },
  action: { type: 'string' },
  battery: { type: 'string' },
  'base-topic': { type: 'string' },
  retain: { type: 'boolean' },
  'last-seen': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Pure: the arguments after `zigbee`, a command, or a ZigbeeUsageError with one clear line. */
export function parseZigbeeArgs(argv: string[], env: Record<string, string | undefined>): ZigbeeCliCommand | { kind: 'help' } {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  if (values.help) return { kind: 'help' };
  const [action, friendlyName, extra] = positionals;
  if (action === undefined || !ACTIONS.includes(action as ZigbeeAction)) {
    throw new ZigbeeUsageError(`zigbee: expected one of ${ACTIONS.join(', ')}, got ${action === undefined ? 'nothing' : `"${action}"`}`);
  }
  if (friendlyName === undefined || friendlyName === '') throw new ZigbeeUsageError(`zigbee ${action}: missing <friendlyName>`);
  if (extra !== undefined) throw new ZigbeeUsageError(`zigbee ${action}: unexpected argument "${extra}"`);
  if (/[#+\u0000]/.test(friendlyName) || friendlyName.startsWith('/') || friendlyName.endsWith('/')) {
    throw new ZigbeeUsageError(`"${friendlyName}" is not a valid Zigbee2MQTT friendly name (no #, +, leading or trailing /)`);
  }
  const model = values.model ?? DEFAULT_ZIGBEE_MODEL;
  if (!findZigbeeModel(model)) throw new ZigbeeUsageError(`--model "${model}" is not one of ${ZIGBEE_MODELS.map((m) => m.model).join(', ')}`);
  const url = values.url ?? (env.MQTT_URL || `mqtt://127.0.0.1:${env.MQTT_PORT || 1883}`);
  if (!/^(mqtts?|tcp|tls|wss?):\/\/./.test(url)) throw new ZigbeeUsageError(`--url must be an mqtt://, mqtts://, ws:// or wss:// URL, got "${url}"`);
  const baseTopic = values['base-topic'] ?? 'zigbee2mqtt';
  if (baseTopic === '' || /[#+]/.test(baseTopic)) throw new ZigbeeUsageError(`--base-topic "${baseTopic}" is not a valid topic`);
  const lastSeenFlag = values['last-seen'] ?? 'iso';
  if (!(lastSeenFlag in LAST_SEEN)) throw new ZigbeeUsageError(`--last-seen must be iso, epoch or none, got "${lastSeenFlag}"`);
  let battery: number | undefined;
  if (action === 'battery' || values.battery !== undefined) {
    battery = Number(values.battery ?? NaN);
    if (!Number.isInteger(battery) || battery < 0 || battery > 100) {
      throw new ZigbeeUsageError(`--battery must be an integer >= 0 and <= 100, got "${values.battery ?? ''}"`);
    }
  }
  return {
    kind: 'zigbee',
    action: action as ZigbeeAction,
    friendlyName,
    model,
    ...(values.action !== undefined && { pressAction: values.action }),
    ...(battery !== undefined && { battery }),
    baseTopic,
    retain: values.retain ?? false,
    lastSeen: LAST_SEEN[lastSeenFlag as keyof typeof LAST_SEEN],
    url,
    ...(values.username !== undefined && { username: values.username }),
    ...(values.password !== undefined && { password: values.password }),
  };
}

export async function runZigbee(command: ZigbeeCliCommand, io: CliIo): Promise<number> {
  const bridge = await SimulatedZigbee2Mqtt.connect({
    url: command.url,
    username: command.username,
    password: command.password,
    baseTopic: command.baseTopic,
    retain: command.retain,
    lastSeen: command.lastSeen,
    qos: 1,
  });
  const name = command.friendlyName;
  const topic = `${command.baseTopic}/${name}`;
  try {
    bridge.pair(name, command.model);
    switch (command.action) {
      case 'press':
        for (const p of await bridge.press(name, command.pressAction === undefined ? {} : { action: command.pressAction })) {
          io.out(`${name}: published ${topic} ${JSON.stringify(p)}`);
        }
        break;
      case 'release':
        io.out(`${name}: published ${topic} ${JSON.stringify(await bridge.release(name))}`);
        break;
      case 'battery':
        io.out(`${name}: published ${topic} ${JSON.stringify(await bridge.report(name, { battery: command.battery }))}`);
        break;
      case 'online':
      case 'offline':
        await bridge.availability(name, command.action);
        io.out(`${name}: published ${topic}/availability {"state":"${command.action}"} (retained)`);
        break;
    }
    return 0;
  } finally {
    await bridge.close();
  }
}

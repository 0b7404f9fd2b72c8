import { disableNagle } from '@trygg/protocol';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { SimulatorError } from './errors';

export interface BrokerLogin {
  url: string;
  username?: string;
  password?: string;
  /** PEM text of the CA that signed an `mqtts://` / `wss://` broker's certificate; default: the system's roots. */
  ca?: string;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);
// MQTT 3.1.1 CONNACK codes 4/5 and their MQTT 5 counterparts 134/135.
const REFUSED = new Set([4, 5, 134, 135]);
// 3 "Server unavailable" (MQTT 5: 136 Server unavailable, 137 Server busy): a Trygg broker says
// so until the site's gateway has subscribed, e.g. right after a restart. Worth waiting for.
const NOT_YET = new Set([3, 136, 137]);

/**
 * Connects once and fails fast with a clear, coded error: a simulator run by hand or by a
 * benchmark should say "broker not reachable" or "credentials refused", not retry forever.
 * "Server unavailable" is the exception: the broker is there and will admit the device once its
 * gateway is subscribed, so mqtt.js keeps reconnecting (`onWaiting` hears each refusal). After
 * the first connect, mqtt.js reconnects as configured, through such refusals too.
 */
export function connectOnce(
  login: BrokerLogin,
  options: IClientOptions = {},
  onWaiting?: (err: Error) => void,
): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(login.url, {
      username: login.username,
      password: login.password,
      // The broker's certificate is always verified (rejectUnauthorized), against `ca` when given.
      ...(login.ca && { ca: login.ca }),
      rejectUnauthorized: true,
      connectTimeout: 5_000,
      // Without it mqtt.js stops reconnecting after any refused CONNACK, "server unavailable"
      // after a broker restart included, and a device would stay offline for good.
      reconnectOnConnackError: true,
      ...options,
    });
    disableNagle(client);
    let waiting = false;
    const fail = (err: SimulatorError) => {
      cleanup();
      client.end(true);
      reject(err);
    };
    const onError = (err: Error & { code?: string | number }) => {
      if (typeof err.code === 'number' && NOT_YET.has(err.code) && client.options.reconnectPeriod !== 0) {
        waiting = true;
        onWaiting?.(err);
        return;
      }
      if (typeof err.code === 'number' && REFUSED.has(err.code)) {
        fail(new SimulatorError('TRYGG_SIM_CREDENTIALS_REFUSED', `MQTT broker at ${login.url} refused user "${login.username ?? ''}": ${err.message}`, { cause: err }));
      } else if (typeof err.code === 'string' && UNREACHABLE.has(err.code)) {
        fail(new SimulatorError('TRYGG_SIM_BROKER_UNREACHABLE', `cannot reach MQTT broker at ${login.url} (${err.code})`, { cause: err }));
      } else {
        fail(new SimulatorError('TRYGG_SIM_CONNECT_FAILED', `cannot connect to MQTT broker at ${login.url}: ${err.message}`, { cause: err }));
      }
    };
    const onConnect = () => {
      cleanup();
      resolve(client);
    };
    // After "server unavailable" the refused connection closes; mqtt.js reconnects by itself.
    const onClose = () => {
      if (waiting) {
        waiting = false;
        return;
      }
      fail(new SimulatorError('TRYGG_SIM_BROKER_UNREACHABLE', `cannot reach MQTT broker at ${login.url} (connection closed before it was accepted)`));
    };
    function cleanup() {
      client.off('connect', onConnect);
      client.off('error', onError);
      client.off('close', onClose);
    }
    client.on('connect', onConnect);
    client.on('error', onError);
    client.on('close', onClose);
  });
}

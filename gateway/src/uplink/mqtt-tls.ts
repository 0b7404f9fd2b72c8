import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import { GatewayError } from '../errors';

/**
 * TLS for an `mqtts://` (or `wss://`) broker: PEM text. The server is always verified, against
 * `ca` when given, else the system's roots; `cert` + `key` are the gateway's client certificate
 * for a server with TRYGG_TLS_CA (its name must be the gateway's MQTT username).
 */
export interface MqttTls {
  ca?: string;
  cert?: string;
  key?: string;
}

/** mqtt.js options for `tls`; `rejectUnauthorized` is stated so no default can turn checking off. */
export function mqttTlsOptions(tls: MqttTls | undefined): IClientOptions {
  if (!tls) return {};
  return { ...(tls.ca && { ca: tls.ca }), ...(tls.cert && { cert: tls.cert }), ...(tls.key && { key: tls.key }), rejectUnauthorized: true };
}

function read(file: string, variable: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new GatewayError('TRYGG_GW_CONFIG', `${variable} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/** MQTT_CA, MQTT_CERT, MQTT_KEY (PEM files); undefined when none is set. */
export function mqttTlsFromEnv(env: NodeJS.ProcessEnv): MqttTls | undefined {
  const { MQTT_CA: ca, MQTT_CERT: cert, MQTT_KEY: key } = env;
  if (!ca && !cert && !key) return undefined;
  if (Boolean(cert) !== Boolean(key)) throw new GatewayError('TRYGG_GW_CONFIG', 'MQTT_CERT and MQTT_KEY must be set together');
  return { ...(ca && { ca: read(ca, 'MQTT_CA') }), ...(cert && { cert: read(cert, 'MQTT_CERT') }), ...(key && { key: read(key, 'MQTT_KEY') }) };
}

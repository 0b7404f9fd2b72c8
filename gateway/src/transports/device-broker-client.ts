import { disableNagle } from '@trygg/protocol';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { mqttTlsOptions, type MqttTls } from '../uplink/mqtt-tls';

export interface DeviceBrokerLogin {
  url: string;
  username?: string;
  password?: string;
  clientId?: string;
  reconnectPeriodMs?: number;
  tls?: MqttTls;
}

/**
 * The MQTT client a transport uses to reach its devices' broker (Trygg device topics or a
 * Zigbee2MQTT broker): a persistent session so device messages queued during a short cut are
 * still delivered, subscriptions renewed by the transport itself on every connect, Nagle off.
 */
export function connectDeviceBroker(login: DeviceBrokerLogin, defaults: { clientId: string; reconnectPeriodMs: number }, extra: IClientOptions = {}): MqttClient {
  return disableNagle(mqtt.connect(login.url, {
    clientId: login.clientId ?? defaults.clientId,
    username: login.username,
    password: login.password,
    ...mqttTlsOptions(login.tls),
    clean: false,
    reconnectPeriod: login.reconnectPeriodMs ?? defaults.reconnectPeriodMs,
    connectTimeout: 5_000,
    keepalive: 30,
    resubscribe: false,
    ...extra,
  }));
}

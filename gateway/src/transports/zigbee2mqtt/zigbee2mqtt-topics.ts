/**
 * Zigbee2MQTT's topics (https://www.zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html):
 * `<base>/<friendly_name>` device state, `<base>/<friendly_name>/availability`, and
 * `<base>/bridge/state` (Zigbee2MQTT's own online/offline, its MQTT last will).
 */
export type Zigbee2MqttTopic =
  | { kind: 'state'; friendlyName: string }
  | { kind: 'availability'; friendlyName: string }
  | { kind: 'bridge-state' };

const AVAILABILITY = '/availability';

/**
 * What we subscribe to. Friendly names may contain `/` (Zigbee2MQTT uses it for grouping), so a
 * wildcard level cannot match them all: `<base>/+` and `<base>/+/availability` hear every name
 * without `/` (configured or not, so unknown names can be reported), and each configured name
 * with `/` is subscribed by its exact topics. `<base>/#` is avoided on purpose: it would also
 * deliver every `/set`, `/get` and the large retained `bridge/*` documents.
 */
export function zigbee2mqttSubscriptions(baseTopic: string, friendlyNames: readonly string[]): string[] {
  const topics = [`${baseTopic}/+`, `${baseTopic}/+${AVAILABILITY}`, `${baseTopic}/bridge/state`];
  for (const name of friendlyNames) {
    if (name.includes('/')) topics.push(`${baseTopic}/${name}`, `${baseTopic}/${name}${AVAILABILITY}`);
  }
  return topics;
}

/** Reads a topic under `baseTopic`; null for anything that is not ours. */
export function parseZigbee2MqttTopic(baseTopic: string, topic: string): Zigbee2MqttTopic | null {
  const prefix = `${baseTopic}/`;
  if (!topic.startsWith(prefix)) return null;
  const rest = topic.slice(prefix.length);
  if (rest === 'bridge/state') return { kind: 'bridge-state' };
  if (rest === '' || rest === 'bridge' || rest.startsWith('bridge/') || rest === 'availability') return null;
  if (rest.endsWith(AVAILABILITY)) {
    const friendlyName = rest.slice(0, -AVAILABILITY.length);
    return friendlyName === '' ? null : { kind: 'availability', friendlyName };
  }
  return { kind: 'state', friendlyName: rest };
}

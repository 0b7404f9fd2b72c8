import { TOPIC_ROOT, isValidId, parseTopic } from '@trygg/protocol';

/**
 * Broker access control (docs/protocol.md, "Broker access control"): every MQTT client may publish and subscribe only
 * under its own site and gateway. Pure functions so the rules are tested as a table, not through
 * sockets; embedded-broker.ts wires them into aedes.
 */
export type BrokerPrincipal =
  /** The Trygg server itself: everything. */
  | { role: 'server' }
  | { role: 'gateway'; siteId: string; gatewayId: string }
  /** `deviceIds` undefined = any device of the site. */
  | { role: 'device'; siteId: string; deviceIds?: string[] }
  /** Only when allowAnonymous (demo): treated like a device account of any site. */
  | { role: 'anonymous' };

/** Contract topics are 7 levels of at most 64 characters; anything far longer is hostile. */
const MAX_TOPIC_LENGTH = 512;

const GATEWAY_PUBLISH_CHANNELS: ReadonlySet<string> = new Set(['events', 'heartbeats', 'status']);
// `directory`: the retained list of devices the gateway accepts, published by the server (any topic).
const GATEWAY_SUBSCRIBE_CHANNELS: ReadonlySet<string> = new Set(['receipts', 'commands', 'directory']);

/** Topic names carry no wildcards [MQTT-3.3.2-2], are non-empty [MQTT-4.7.3-1], no U+0000 [MQTT-1.5.3-2]. */
function isValidTopicName(topic: string): boolean {
  return topic.length > 0 && !/[+#\u0000]/.test(topic);
}

/**
 * `#` only alone as the last level [MQTT-4.7.1-2], `+` only alone in its level [MQTT-4.7.1-3],
 * non-empty [MQTT-4.7.3-1], no U+0000 [MQTT-1.5.3-2].
 */
function isValidTopicFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  return levels.every((level, i) => {
    if (level.includes('#')) return level === '#' && i === levels.length - 1;
    return !level.includes('+') || level === '+';
  });
}

/** The site a principal is confined to; `undefined` for anonymous, which may name any one site. */
function ownSite(p: Exclude<BrokerPrincipal, { role: 'server' }>): string | undefined {
  return p.role === 'anonymous' ? undefined : p.siteId;
}

function sameSite(p: Exclude<BrokerPrincipal, { role: 'server' }>, siteId: string): boolean {
  const own = ownSite(p);
  return own === undefined ? true : own === siteId;
}

function mayUseDevice(p: BrokerPrincipal, deviceId: string): boolean {
  return p.role !== 'device' || p.deviceIds === undefined || p.deviceIds.includes(deviceId);
}

export function mayPublish(p: BrokerPrincipal, topic: string): boolean {
  if (topic.length > MAX_TOPIC_LENGTH || !isValidTopicName(topic)) return false;
  if (p.role === 'server') return true;
  // parseTopic accepts only the exact contract shape with safe ids, so `..`, empty levels,
  // `$SYS/...` and extra levels all come back null here.
  const parsed = parseTopic(topic);
  if (!parsed || !sameSite(p, parsed.siteId)) return false;
  switch (p.role) {
    case 'gateway':
      if (parsed.kind === 'gateway') {
        return parsed.gatewayId === p.gatewayId && GATEWAY_PUBLISH_CHANNELS.has(parsed.channel);
      }
      // Gateways relay commands to the devices they serve; the site check above keeps them home.
      return parsed.kind === 'device' && parsed.channel === 'down';
    case 'device':
    case 'anonymous':
      return parsed.kind === 'device' && parsed.channel === 'up' && mayUseDevice(p, parsed.deviceId);
  }
}

/**
 * Filters are checked level by level against the literal contract shape
 * `trygg/v1/sites/<site>/<collection>/<id>/<channel>`: a wildcard where a literal is expected
 * never equals it, so `+` in the site level (another site) or a `#` anywhere is refused.
 */
export function maySubscribe(p: BrokerPrincipal, topicFilter: string): boolean {
  if (topicFilter.length > MAX_TOPIC_LENGTH || !isValidTopicFilter(topicFilter)) return false;
  if (p.role === 'server') return true;
  const levels = topicFilter.split('/');
  if (levels.length !== 7) return false;
  const [root, version, sites, siteId, collection, id, channel] = levels as [string, string, string, string, string, string, string];
  if (`${root}/${version}` !== TOPIC_ROOT || sites !== 'sites') return false;
  if (!isValidId(siteId) || !sameSite(p, siteId)) return false;
  const anyId = id === '+';
  if (!anyId && !isValidId(id)) return false;
  switch (p.role) {
    case 'gateway':
      if (collection === 'gateways') return id === p.gatewayId && GATEWAY_SUBSCRIBE_CHANNELS.has(channel);
      return collection === 'devices' && channel === 'up';
    case 'device':
    case 'anonymous': {
      if (collection !== 'devices' || channel !== 'down') return false;
      // A restricted account may not widen to `+`: it would hear other devices' commands.
      if (anyId) return p.role === 'anonymous' || p.deviceIds === undefined;
      return mayUseDevice(p, id);
    }
  }
}

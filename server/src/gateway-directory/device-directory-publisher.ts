import { encodePayload, MAX_DEVICE_DIRECTORY_BYTES, topics, type Clock, type DeviceBinding, type DeviceDirectory } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { OfficeDirectory } from '../config/office-directory';
import type { DeviceConfig, SiteConfig, TryggConfig } from '../config/types';

/** What the publisher needs of the server's MQTT link (ingest/mqtt-link.ts). */
export interface DirectoryLink {
  readonly connected: boolean;
  readonly client: { on(event: 'connect', listener: () => void): unknown };
  publish(topic: string, payload: Buffer, qos: 0 | 1, retain?: boolean): void;
}

/**
 * The device directory of one gateway: every device of its site. A device configured on another
 * gateway of the site is listed too (with that `gatewayId`): the server accepts its events from
 * any gateway of the site, and a portable or MQTT device may be heard by a neighbour.
 */
export function buildDeviceDirectory(site: SiteConfig, gatewayId: string, at: number): DeviceDirectory {
  return {
    v: 1,
    at: new Date(at).toISOString(),
    devices: site.devices.map((d) => (d.gatewayId === gatewayId ? { deviceId: d.id, ...bindingOf(d) } : { deviceId: d.id, gatewayId: d.gatewayId })),
  };
}

/** A device's transport binding as its own gateway reads it; nothing when it has none. */
function bindingOf(d: DeviceConfig): { binding?: DeviceBinding } {
  const binding: DeviceBinding = {
    ...(d.serialAddress !== undefined && { serialAddress: d.serialAddress }),
    ...(d.zigbeeFriendlyName !== undefined && { zigbeeFriendlyName: d.zigbeeFriendlyName }),
    ...(d.zigbeeModel !== undefined && { zigbeeModel: d.zigbeeModel }),
  };
  return Object.keys(binding).length > 0 ? { binding } : {};
}

/**
 * Publishes each configured gateway's device directory, retained at QoS 1, at every connect of
 * the server's link (an in-memory broker forgets retained messages when it restarts) and after
 * every configuration change. A gateway that disappeared from the configuration gets an empty
 * retained payload, which clears its topic. A directory over MAX_DEVICE_DIRECTORY_BYTES is not
 * truncated (that would refuse real devices): its topic is cleared, so the gateway accepts every
 * device, and the error is logged.
 */
export class DeviceDirectoryPublisher {
  private published = new Set<string>();

  constructor(
    private readonly deps: { link: DirectoryLink; directory: OfficeDirectory; clock: Clock; logger: Logger },
  ) {}

  start(): void {
    const { link, directory } = this.deps;
    link.client.on('connect', () => this.publishAll(directory.config));
    // While disconnected the connect handler publishes the newest configuration anyway.
    directory.onReplace(() => {
      if (link.connected) this.publishAll(directory.config);
    });
    if (link.connected) this.publishAll(directory.config);
  }

  /** Publishes every gateway's directory; returns the topics published (cleared ones included). */
  publishAll(config: TryggConfig): string[] {
    const { link, clock, logger } = this.deps;
    const now = clock.now();
    const current = new Set<string>();
    for (const site of config.sites) {
      for (const gateway of site.gateways) {
        const topic = topics.gateway(site.id, gateway.id, 'directory');
        current.add(topic);
        const payload = encodePayload(buildDeviceDirectory(site, gateway.id, now));
        if (payload.byteLength > MAX_DEVICE_DIRECTORY_BYTES) {
          logger.error(
            { siteId: site.id, gatewayId: gateway.id, bytes: payload.byteLength, limit: MAX_DEVICE_DIRECTORY_BYTES, devices: site.devices.length },
            'device directory too large to publish; cleared, so the gateway accepts every device',
          );
          link.publish(topic, Buffer.alloc(0), 1, true);
          continue;
        }
        link.publish(topic, payload, 1, true);
      }
    }
    for (const topic of this.published) {
      if (!current.has(topic)) link.publish(topic, Buffer.alloc(0), 1, true);
    }
    const all = [...current, ...[...this.published].filter((t) => !current.has(t))];
    this.published = current;
    logger.debug({ gateways: current.size }, 'device directories published');
    return all;
  }
}

import type { DeviceCommand } from '@trygg/protocol';
import type { Logger } from 'pino';
import { GatewayError } from '../errors';
import type { GatewayStats } from '../gateway-stats';
import type { DeviceTransport } from '../transports/device-transport';
import { RecentIds } from './recent-ids';

/** The least the device-to-transport map holds; a larger fleet raises it (see `capacity`). */
const MIN_DEVICE_TRANSPORTS = 10_000;

/**
 * Feedback from the server to the device that raised the alarm: each command goes out once
 * (QoS 1 and server re-sends may deliver it twice), over the transport the device last used.
 */
export class CommandForwarder {
  private readonly recentCommands = new RecentIds(1000);
  /** Which transport each device was last heard on, so feedback goes back the same way. */
  private readonly deviceTransport = new Map<string, string>();

  constructor(
    private readonly transports: readonly DeviceTransport[],
    private readonly stats: GatewayStats,
    private readonly logger: Logger,
    /** Devices in the gateway's device directory (undefined while it accepts every device). */
    private readonly fleetSize: () => number | undefined = () => undefined,
  ) {}

  /**
   * Called for every message a device sends (heartbeats included), so it must cost one map
   * lookup: a device heard on the transport it used before changes nothing, and one that
   * switches is overwritten in place (no re-ordering). The map is bounded for memory against
   * ids that stream in while no directory is in force; the bound is twice the fleet, so the
   * devices of a large directory never push each other out and churn.
   */
  rememberTransport(deviceId: string, kind: string): void {
    if (this.deviceTransport.get(deviceId) === kind) return;
    this.deviceTransport.set(deviceId, kind);
    if (this.deviceTransport.size > this.capacity()) {
      const oldest = this.deviceTransport.keys().next().value;
      if (oldest !== undefined) this.deviceTransport.delete(oldest);
    }
  }

  /** How many devices' transports are remembered at most. */
  capacity(): number {
    return Math.max(MIN_DEVICE_TRANSPORTS, 2 * (this.fleetSize() ?? 0));
  }

  /** How many devices' transports are remembered now. */
  get rememberedDevices(): number {
    return this.deviceTransport.size;
  }

  /** Resolves true when forwarded now, false for a repeat or a failure (logged and counted). */
  async forward(command: DeviceCommand): Promise<boolean> {
    this.stats.commandsReceived++;
    // Checked and recorded before any await, so two deliveries in a row cannot both pass.
    if (!this.recentCommands.add(command.commandId)) {
      this.stats.commandsDuplicate++;
      this.logger.debug({ commandId: command.commandId }, 'command re-delivered; already forwarded');
      return false;
    }
    const log = { commandId: command.commandId, deviceId: command.deviceId, action: command.action };
    try {
      const transport = this.transportFor(command.deviceId);
      if (!transport) throw new GatewayError('TRYGG_GW_NO_TRANSPORT_FOR_DEVICE', command.deviceId);
      await transport.send(command);
      this.stats.commandsForwarded++;
      this.logger.info(log, 'command forwarded');
      return true;
    } catch (err) {
      // Forget it, so a re-delivery of the same command gets another chance.
      this.recentCommands.delete(command.commandId);
      this.stats.commandsFailed++;
      this.logger.warn({ ...log, err }, 'command could not be forwarded');
      return false;
    }
  }

  private transportFor(deviceId: string): DeviceTransport | undefined {
    const kind = this.deviceTransport.get(deviceId);
    const known = kind === undefined ? undefined : this.transports.find((t) => t.kind === kind);
    return known ?? this.transports.find((t) => t.canAddress(deviceId));
  }
}

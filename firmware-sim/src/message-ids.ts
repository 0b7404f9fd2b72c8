import { randomUUID } from 'node:crypto';

/**
 * Message ids and sequence numbers as a device firmware makes them. The id must be unique per
 * device message (the gateway derives the eventId from it, and the server dedupes by that), so
 * a random UUID per message; the seq counts per device from this boot.
 */
export class MessageIds {
  private readonly seqs = new Map<string, number>();

  next(deviceId: string): { msgId: string; seq: number } {
    const seq = ((this.seqs.get(deviceId) ?? 0) + 1) % 4_294_967_296;
    this.seqs.set(deviceId, seq);
    return { msgId: randomUUID(), seq };
  }
}

/**
 * A bounded set of recently seen ids: a re-delivered command (QoS 1 may deliver twice, and a
 * server may re-send) is forwarded to the device once. The oldest ids are forgotten first, so
 * memory stays bounded on a gateway that runs for years.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 1000) {}

  /** Records the id; false if it was already recorded. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }

  /** Forgets an id, so a later re-delivery is tried again (used when forwarding failed). */
  delete(id: string): void {
    this.ids.delete(id);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }
}

/**
 * [DC-09 5.5.1.5] Sequence numbers 0001-9999, per ARC target, wrapping to 0001. They live in
 * this process only. So that a restart does not reuse the numbers sent just before it (a
 * receiver that drops repeats could take a new alarm for an old one), a counter starts at a
 * value derived from the start time: one step per 10 seconds, a full turn every ~28 hours.
 * A retry of the same notification reuses its number, as a repeat of the same message should.
 */
export class SequenceNumbers {
  private readonly next = new Map<string, number>();
  private readonly byNotification = new Map<string, number>();

  constructor(private readonly start: number, private readonly remember = 1024) {}

  static fromTime(nowMs: number): SequenceNumbers {
    return new SequenceNumbers((Math.floor(nowMs / 10_000) % 9999) + 1);
  }

  /** A fresh number for `target` (link tests, new messages). */
  take(target: string): number {
    const n = this.next.get(target) ?? this.start;
    this.next.set(target, n >= 9999 ? 1 : n + 1);
    return n;
  }

  /** The number for a notification: the same one on every retry of that notification. */
  forNotification(target: string, notificationId: string): number {
    const key = `${target}\u0000${notificationId}`;
    const known = this.byNotification.get(key);
    if (known !== undefined) return known;
    const n = this.take(target);
    this.byNotification.set(key, n);
    if (this.byNotification.size > this.remember) this.byNotification.delete(this.byNotification.keys().next().value!);
    return n;
  }
}

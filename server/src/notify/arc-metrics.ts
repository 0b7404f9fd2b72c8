import { Counter, type Registry } from 'prom-client';
import type { SiaDc09Notifier } from './notifiers/sia-dc09/sia-dc09-notifier';

/** What arc-metrics needs of the notification center (the configured ARC notifiers, and changes to them). */
export interface ArcNotifierSource {
  arcNotifiers(): SiaDc09Notifier[];
  onNotifiersChanged?(listener: () => void): void;
}

/**
 * `/metrics` for the guards' ARC: every DC-09 frame sent, by target, receiver and answer, and the
 * repeats among them — a frame carrying a sequence number already sent for the same notification
 * (a second attempt, the failover to the secondary, a retry by the pipeline). A receiver can tell
 * these from new alarms by the number; the count shows how often the guards were asked twice.
 */
export function countArcFrames(source: ArcNotifierSource, registry: Registry): void {
  const frames = new Counter({
    name: 'trygg_dc09_frames_total', help: 'SIA DC-09 frames sent to ARC receivers, by answer (ACK, NAK, DUH, none, unreadable, mismatch)',
    labelNames: ['target', 'receiver', 'answer'], registers: [registry],
  });
  const repeats = new Counter({
    name: 'trygg_dc09_repeats_total', help: 'SIA DC-09 frames that repeat a sequence number already sent for the same notification',
    labelNames: ['target'], registers: [registry],
  });
  const watched = new WeakSet<SiaDc09Notifier>();
  const watch = () => {
    for (const notifier of source.arcNotifiers()) {
      if (watched.has(notifier)) continue;
      watched.add(notifier);
      notifier.watchFrames((f) => {
        frames.inc({ target: f.target, receiver: f.receiver, answer: f.answer });
        if (f.repeat) repeats.inc({ target: f.target });
      });
    }
  };
  watch();
  // A configuration change may rebuild an ARC notifier: count the new one too.
  source.onNotifiersChanged?.(watch);
}

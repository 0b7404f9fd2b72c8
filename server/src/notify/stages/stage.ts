import type { StoredNotification } from '../notification-store';
import type { SendResult } from '../notifier';

/**
 * The delivery pipeline as small composable stages (after Alertmanager's
 * `wait -> dedup -> retry -> record`). One run of the pipeline is one chance to deliver one
 * stored notification: `dedup` (is it still to be sent?) -> `order` (has the earlier message for
 * the same alarm and party finished?) -> `rate-limit` (wait for a slot) ->
 * `retry` (claim, send with a timeout, classify) -> `record` (write the outcome). A stage either
 * passes the delivery on or ends the run with an outcome; `pipeline()` is itself a stage.
 */
export type Outcome =
  | { kind: 'delivered'; notification: StoredNotification; result: Extract<SendResult, { ok: true }> }
  /** A recoverable failure with attempts left: try again at `at` (epoch ms). */
  | { kind: 'retry'; notification: StoredNotification; at: number; error: string }
  /** A permanent failure, or the last attempt failed: escalate. */
  | { kind: 'failed'; notification: StoredNotification; error: string; recoverable: boolean }
  /** Nothing to do: already delivered, failed, being sent, or unknown. */
  | { kind: 'skipped'; reason: string }
  /** Not attempted now (no attempt counted): run again at `at`. */
  | { kind: 'deferred'; at: number; reason: string }
  /** Not attempted now: an earlier message for the same alarm and party (`after`) goes first; run again when it finished. */
  | { kind: 'waiting'; after: string; reason: string };

export interface Delivery {
  id: string;
  /** As read by `dedup`, then as claimed for this attempt by `retry`. */
  notification?: StoredNotification;
  /** Set by `retry` for `record`. */
  outcome?: Outcome;
}

export type StageResult = { next: Delivery } | { done: Outcome };

export interface Stage {
  readonly name: string;
  exec(delivery: Delivery): Promise<StageResult>;
}

/** Runs stages in order until one ends the run (Alertmanager's MultiStage). */
export function pipeline(name: string, stages: Stage[]): Stage {
  return {
    name,
    async exec(delivery) {
      let current = delivery;
      for (const stage of stages) {
        const result = await stage.exec(current);
        if ('done' in result) return result;
        current = result.next;
      }
      return { next: current };
    },
  };
}

/** The outcome a finished run produced (a run that ended without one is a wiring bug). */
export function outcomeOf(result: StageResult): Outcome {
  if ('done' in result) return result.done;
  if (result.next.outcome) return result.next.outcome;
  throw new Error(`notify pipeline ended without an outcome for ${result.next.id}`);
}

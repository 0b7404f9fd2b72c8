import { systemClock, type Clock, type TimerHandle } from '@trygg/protocol';
import { SimulatorError } from '../errors';

export interface PressLoadOptions {
  /** Sends one press (e.g. DeviceSimulator.press); resolves when the broker has it. */
  press: (deviceId: string) => Promise<unknown>;
  devices: readonly string[];
  perSecond: number;
  clock?: Clock;
}

export interface PressLoad {
  readonly sent: number;
  readonly failed: number;
  /** Distinct devices pressed so far. */
  readonly devicesPressed: number;
  stop(): Promise<void>;
}

/**
 * The alarm half of `sim load`: `perSecond` presses, evenly spaced on the clock (the k-th at
 * start + k/perSecond, so a late timer catches up instead of drifting), each on the next device
 * in turn, so presses spread over distinct devices until every device has been pressed once.
 * Nobody resolves them here: that is up to the consoles.
 */
export function startPressLoad(opts: PressLoadOptions): PressLoad {
  if (!(opts.perSecond > 0)) throw new SimulatorError('TRYGG_SIM_CONFIG', 'presses per second must be positive');
  if (opts.devices.length === 0) throw new SimulatorError('TRYGG_SIM_CONFIG', 'no devices to press');
  const clock = opts.clock ?? systemClock;
  const start = clock.now();
  const gapMs = 1000 / opts.perSecond;
  const inFlight = new Set<Promise<void>>();
  let k = 0;
  let sent = 0;
  let failed = 0;
  let stopped = false;
  let timer: TimerHandle | undefined;

  const fire = () => {
    timer = undefined;
    if (stopped) return;
    const now = clock.now();
    while (start + k * gapMs <= now) {
      const deviceId = opts.devices[k % opts.devices.length]!;
      k++;
      const p = opts.press(deviceId).then(
        () => void sent++,
        () => void failed++,
      );
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    timer = clock.setTimer(start + k * gapMs - now, fire);
  };
  fire();

  return {
    get sent() {
      return sent;
    },
    get failed() {
      return failed;
    },
    get devicesPressed() {
      return Math.min(k, opts.devices.length);
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      await Promise.allSettled([...inFlight]);
    },
  };
}

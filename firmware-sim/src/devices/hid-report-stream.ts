import { reportToHex } from '@trygg/protocol';

/**
 * A report stream as the gateway's HID fixtures record it: each input report with the ms since
 * the stream began and its bytes in hex (gateway/src/converters/fixtures/<model>.json).
 */
export interface RecordedHidReport {
  t: number;
  hex: string;
}

/** What a person (or a faulty contact) does to a simulated HID button, in time order. */
export type HidButtonStep =
  | { at: number; do: 'press' | 'release' }
  /** Contact bounce: `count` extra flips 3 ms apart, ending in the state before it. */
  | { at: number; do: 'bounce'; count?: number }
  /** The device repeats its current report every `everyMs` until `until` (idle/typematic reports). */
  | { at: number; do: 'repeat'; everyMs: number; until: number };

/** Anything that turns the button state into an input report. */
export interface HidButtonDevice {
  readonly model: string;
  report(pressed: boolean): Uint8Array;
}

/** The stream `device` sends for `steps`; pure, so the same steps always give the same bytes. */
export function hidReportStream(device: HidButtonDevice, steps: readonly HidButtonStep[]): RecordedHidReport[] {
  const out: RecordedHidReport[] = [];
  let pressed = false;
  const send = (t: number) => out.push({ t, hex: reportToHex(device.report(pressed)) });
  for (const step of [...steps].sort((a, b) => a.at - b.at)) {
    switch (step.do) {
      case 'press':
      case 'release':
        pressed = step.do === 'press';
        send(step.at);
        break;
      case 'bounce': {
        const flips = (step.count ?? 1) * 2;
        for (let i = 1; i <= flips; i++) {
          pressed = !pressed;
          send(step.at + (i - 1) * 3);
        }
        break;
      }
      case 'repeat':
        for (let t = step.at; t <= step.until; t += step.everyMs) send(t);
        break;
    }
  }
  return out;
}

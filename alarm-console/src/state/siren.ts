// The alarm tone, made with WebAudio (no audio file). Browsers only allow sound after a user
// gesture, so `unlock()` must be called from the "Arm" click handler.
//
// The repeating pattern is scheduled on the audio clock a minute ahead and topped up by a timer,
// so it keeps sounding even when a hidden tab's timers are throttled to once a minute.

const CYCLE_S = 2; // one pattern every two seconds
const AHEAD_S = 60; // scheduled this far ahead
const TOP_UP_MS = 5000;
const HIGH_HZ = 880;
const LOW_HZ = 660;
const VOLUME = 0.2;

export class Siren {
  #ctx: AudioContext | null = null;
  #tone: { osc: OscillatorNode; gain: GainNode; until: number; timer: ReturnType<typeof setInterval> | undefined } | null = null;

  /** Creates and resumes the audio context. Call synchronously inside a click/keypress handler. */
  unlock(): Promise<boolean> {
    const Ctx: typeof AudioContext | undefined = globalThis.AudioContext ?? (globalThis as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return Promise.resolve(false);
    if (!this.#ctx) this.#ctx = new Ctx();
    return this.#ctx.resume().then(
      () => this.unlocked,
      () => false,
    );
  }

  get unlocked(): boolean {
    return this.#ctx?.state === 'running';
  }

  get playing(): boolean {
    return this.#tone !== null;
  }

  /** A short two-note beep: proves to the user that sound works. */
  beep() {
    const ctx = this.#ctx;
    if (!ctx) return;
    if (ctx.state !== 'running') void ctx.resume();
    const { osc, gain } = this.#voice(ctx);
    const t0 = ctx.currentTime + 0.02;
    this.#note(osc, gain, t0, 0.15, HIGH_HZ);
    this.#note(osc, gain, t0 + 0.2, 0.15, LOW_HZ);
    osc.start(t0);
    osc.stop(t0 + 0.45);
    osc.onended = () => gain.disconnect();
  }

  /** Starts the repeating alarm tone; harmless when it already plays. */
  start() {
    const ctx = this.#ctx;
    if (!ctx || this.#tone) return;
    if (ctx.state !== 'running') void ctx.resume();
    const { osc, gain } = this.#voice(ctx);
    const start = ctx.currentTime + 0.05;
    osc.start(start);
    this.#tone = { osc, gain, until: start, timer: undefined };
    this.#schedule();
    this.#tone.timer = setInterval(() => this.#schedule(), TOP_UP_MS);
  }

  stop() {
    const tone = this.#tone;
    if (!tone || !this.#ctx) return;
    this.#tone = null;
    clearInterval(tone.timer);
    const now = this.#ctx.currentTime;
    tone.gain.gain.cancelScheduledValues(now);
    tone.gain.gain.setValueAtTime(0, now);
    try {
      tone.osc.stop(now + 0.05);
    } catch {
      // already stopped
    }
    tone.osc.onended = () => tone.gain.disconnect();
  }

  #schedule() {
    const tone = this.#tone;
    const ctx = this.#ctx;
    if (!tone || !ctx) return;
    if (ctx.state !== 'running') void ctx.resume();
    // After a suspended context, never schedule into the past.
    let t = Math.max(tone.until, ctx.currentTime + 0.05);
    while (t < ctx.currentTime + AHEAD_S) {
      // Three high-low pairs (~1.1 s), then silence until the next cycle.
      for (let i = 0; i < 3; i++) {
        this.#note(tone.osc, tone.gain, t + i * 0.38, 0.17, HIGH_HZ);
        this.#note(tone.osc, tone.gain, t + i * 0.38 + 0.19, 0.17, LOW_HZ);
      }
      t += CYCLE_S;
    }
    tone.until = t;
  }

  #voice(ctx: AudioContext): { osc: OscillatorNode; gain: GainNode } {
    const osc = ctx.createOscillator();
    osc.type = 'square';
    const gain = ctx.createGain();
    gain.gain.setValueAtTime(0, ctx.currentTime);
    osc.connect(gain).connect(ctx.destination);
    return { osc, gain };
  }

  /** One note with short ramps, so it does not click. */
  #note(osc: OscillatorNode, gain: GainNode, at: number, length: number, hz: number): void {
    osc.frequency.setValueAtTime(hz, at);
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(VOLUME, at + 0.01);
    gain.gain.setValueAtTime(VOLUME, at + length - 0.01);
    gain.gain.linearRampToValueAtTime(0, at + length);
  }
}

import { availableParallelism } from 'node:os';
import type { Fault } from './fault-scheduler';
import { CONFIRMATION } from './press-record';
import type { Transport } from './options';
import { percentile, type Tally } from './tally';

export interface RunFacts {
  seed: number;
  startedAt: number;
  /** Mean 1-minute load average of the machine during the fault phase (it has 2 cores in CI). */
  meanLoad: number;
  faultPhase: { from: number; to: number };
  settledAfterMs: number;
  settled: boolean;
  faults: readonly Fault[];
  processes: { name: string; starts: number; crashes: number; uncleanStops: number; upShare: number }[];
  drivers: { transport: Transport; figures: Record<string, number | string> }[];
  outboxLeftovers: Record<string, number>;
  popups: Record<string, number>;
  notifications: number;
}

const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : '-');
const at = (facts: RunFacts, t: number) => `+${((t - facts.startedAt) / 1000).toFixed(1)} s`;

/** The human-readable figures; the very last line is the fixed verdict line (see verdictLine). */
export function formatReport(facts: RunFacts, result: Tally): string[] {
  const lines: string[] = [];
  const minutes = (facts.faultPhase.to - facts.faultPhase.from) / 60_000;
  lines.push(`chaos: seed ${facts.seed}, fault phase ${minutes.toFixed(1)} min, settled ${facts.settled ? 'in' : 'NOT within'} ${(facts.settledAfterMs / 1000).toFixed(1)} s, machine load ${facts.meanLoad.toFixed(1)} on ${availableParallelism()} cores`);

  const byKind = new Map<string, number>();
  for (const f of facts.faults) {
    const key = `${f.kind} ${f.target}`;
    byKind.set(key, (byKind.get(key) ?? 0) + 1);
  }
  const duringStart = facts.faults.filter((f) => f.targetState.includes('starting')).length;
  lines.push(`faults: ${facts.faults.length} (${duringStart} during start-up)`);
  for (const [key, n] of [...byKind].sort()) lines.push(`  ${key}: ${n}`);
  const freezes = facts.faults.filter((f) => f.durationMs !== undefined).map((f) => f.durationMs!);
  if (freezes.length > 0) lines.push(`  freezes: median ${ms(percentile(freezes, 50))}, longest ${ms(Math.max(...freezes))}`);
  lines.push(`processes: ${facts.processes.map((p) => `${p.name} started ${p.starts}x, up ${Math.round(p.upShare * 100)} % of the fault phase${p.crashes > 0 ? `, CRASHED ${p.crashes}x` : ''}${p.uncleanStops > 0 ? `, exited with an error after SIGTERM ${p.uncleanStops}x` : ''}`).join('; ')}`);

  lines.push('presses per transport (counted = confirmed to the device, or handed over by one that cannot retransmit):');
  for (const [transport, t] of Object.entries(result.perTransport)) {
    const notTaken = Object.entries(t.notTaken).map(([k, n]) => `${k} ${n}`).join(', ');
    const driver = facts.drivers.find((d) => d.transport === transport);
    const extra = driver ? Object.entries(driver.figures).map(([k, v]) => `${k} ${v}`).join(', ') : '';
    lines.push(`  ${transport}: ${t.presses} pressed, ${t.counted} counted, ${t.stored} stored${t.unconfirmed ? `, ${t.unconfirmed} UNCONFIRMED` : ''}${notTaken ? `; not taken: ${notTaken}` : ''}${extra ? ` [${extra}]` : ''}`);
    lines.push(`    counts on: ${CONFIRMATION[transport as Transport]}`);
  }
  const lat = result.pressToStored;
  lines.push(`press-to-stored: p50 ${ms(percentile(lat, 50))}, p95 ${ms(percentile(lat, 95))}, p99 ${ms(percentile(lat, 99))}, max ${ms(lat.length ? Math.max(...lat) : NaN)} (${lat.length} presses)`);
  lines.push(`longest gap with nothing stored: ${ms(result.longestGap.ms)} from ${at(facts, result.longestGap.from)}`);
  lines.push(`events stored twice under different ids (folded into one alarm): ${result.extraEvents}`);
  lines.push(`console pop-ups: ${Object.entries(facts.popups).map(([s, n]) => `${s} ${n}`).join(', ')}; alarms never shown: ${result.neverShown.length}`);
  lines.push(`notifications: ${facts.notifications} received, alarms never notified: ${result.neverNotified.length}, duplicate notifications: ${result.duplicateNotifications}, retries of one notification: ${result.notificationRetries}`);
  const left = Object.entries(facts.outboxLeftovers).filter(([, n]) => n > 0);
  lines.push(`gateway outboxes at the end: ${left.length ? left.map(([g, n]) => `${g} ${n} LEFT`).join(', ') : 'empty'}`);

  for (const problem of result.problems.slice(0, 30)) {
    const p = problem.press;
    const near = facts.faults.filter((f) => f.at >= p.pressedAt - 10_000 && f.at <= (p.confirmedAt ?? p.pressedAt) + 10_000)
      .map((f) => `${f.kind} ${f.target}${f.durationMs ? ` ${f.durationMs} ms` : ''} (${f.targetState}) at ${at(facts, f.at)}`);
    lines.push(`${problem.problem.toUpperCase()}: ${p.transport} ${p.deviceId} pressed ${at(facts, p.pressedAt)}, counted ${p.confirmedAt ? at(facts, p.confirmedAt) : '-'}${p.attempts ? ` after ${p.attempts} transmissions` : ''}; alarms [${problem.alarmIds.join(', ')}]${problem.detail ? `; ${problem.detail}` : ''}`);
    lines.push(`  faults near it: ${near.length ? near.join('; ') : 'none within 10 s'}`);
  }
  if (result.problems.length > 30) lines.push(`... and ${result.problems.length - 30} more (all in run.json)`);
  for (const [what, alarms] of [['NEVER SHOWN', result.neverShown], ['NEVER NOTIFIED', result.neverNotified]] as const) {
    for (const a of alarms.slice(0, 10)) {
      const near = facts.faults.filter((f) => Math.abs(f.at - a.raisedAt) <= 10_000).map((f) => `${f.kind} ${f.target} at ${at(facts, f.at)}`);
      lines.push(`${what}: alarm ${a.id} of ${a.deviceId}, raised ${at(facts, a.raisedAt)}, now ${a.state}; faults within 10 s: ${near.join('; ') || 'none'}`);
    }
    if (alarms.length > 10) lines.push(`... and ${alarms.length - 10} more (all in run.json)`);
  }
  lines.push(verdictLine(facts.faults.length, result));
  return lines;
}

/** The fixed last line that CI and docs/reliability.md quote. */
export function verdictLine(faults: number, result: Pick<Tally, 'presses' | 'lost' | 'duplicated'>): string {
  return `chaos: faults ${faults} presses ${result.presses} lost ${result.lost} duplicated ${result.duplicated}`;
}

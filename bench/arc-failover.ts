/**
 * Issue figures for "failover when the primary hangs": a primary that accepts TCP and never
 * answers, the receiver written from the standard as the secondary, the ARC notifier with its
 * default timing (timeoutMs 5000, attempts 2, retryBackoffMs 500) inside the real notification
 * pipeline (SQLite outbox, system clock). Measured: from the dispatch to the frame at the
 * secondary, against the configured per-attempt timeout and the plan's budget.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '@trygg/protocol';
import { pino } from 'pino';
import { NotificationDispatcher } from '../server/src/notify/dispatcher';
import { resolveArcTarget, type ArcTargetConfig } from '../server/src/notify/notifiers/sia-dc09/config';
import { SiaDc09Notifier } from '../server/src/notify/notifiers/sia-dc09/sia-dc09-notifier';
import { SqliteNotificationStore } from '../server/src/notify/sqlite-notification-store';
import { Dc09Receiver } from '../test/support/dc09-receiver';

export interface ArcFailoverFigure {
  /** Dispatch -> the frame at the secondary, ms. */
  secondaryMs: number;
  /** The configured wait per attempt (the primary's one timeout before the secondary's turn). */
  timeoutMs: number;
  /** What the notifier tells the pipeline its whole plan may take. */
  budgetMs: number;
  /** Frames the hanging primary got before the secondary answered. */
  primaryFrames: number;
}

export async function measureArcFailover(): Promise<ArcFailoverFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-bench-failover-'));
  const held: Socket[] = [];
  let primaryFrames = 0;
  const hang = createServer((socket) => {
    held.push(socket);
    socket.on('data', () => primaryFrames++);
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', () => resolve()));
  let arrived: number | undefined;
  const secondary = await new Dc09Receiver({ udp: false, onFrame: () => { arrived ??= performance.now(); } }).start();
  const guards: ArcTargetConfig = {
    primary: { host: '127.0.0.1', port: (hang.address() as AddressInfo).port, protocol: 'tcp' },
    secondary: { host: '127.0.0.1', port: secondary.tcpPort, protocol: 'tcp' },
    account: '1234',
  };
  const notifier = new SiaDc09Notifier({ targets: { guards } });
  const store = new SqliteNotificationStore(join(dir, 'trygg.db'));
  const dispatcher = new NotificationDispatcher({
    store, clock: systemClock, notifiers: new Map([['sia-dc09', notifier]]), logger: pino({ level: 'silent' }),
    onPermanentFailure: () => {}, retry: { baseMs: 1000, maxMs: 60_000, maxAttempts: 8 },
  });
  try {
    const subject = { alarmId: 'bench', kind: 'panic' as const, state: 'raised' as const, drill: false, site: { id: 'demo', name: 'Demo' }, raisedAt: new Date().toISOString() };
    const started = performance.now();
    await dispatcher.dispatch([{ alarmId: 'bench', step: 3, channel: 'sia-dc09', target: 'guards', purpose: 'alarm', subject, recipient: { id: 'party:guards' } }]);
    await dispatcher.idle();
    if (arrived === undefined) throw new Error('the secondary never got the frame');
    return { secondaryMs: arrived - started, timeoutMs: resolveArcTarget('guards', guards).timeoutMs, budgetMs: notifier.attemptBudgetMs({ target: 'guards' })!, primaryFrames };
  } finally {
    await dispatcher.stop();
    await notifier.close();
    await store.close();
    await secondary.stop();
    for (const s of held) s.destroy();
    await new Promise<void>((resolve) => hang.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}

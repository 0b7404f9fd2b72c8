import { systemClock } from '@trygg/protocol';
import type { Logger } from 'pino';
import { SmscSimulator } from '../../../../../test/support/smsc-simulator';
import type { NotifierUnderTest } from '../../notifier-conformance';
import { SmppNotifier, type SmppSettings } from './smpp-notifier';

/** An SMPP notifier bound to a fresh SMSC simulator (conformance suite and the notifier's own tests). */
export async function smppUnderTest(
  { logger, secret = 'smpp-pw-5ecr3t', settings = {} }: { logger: Logger; secret?: string; settings?: Partial<SmppSettings> },
): Promise<NotifierUnderTest & { smsc: SmscSimulator; notifier: SmppNotifier }> {
  const smsc = await new SmscSimulator({ systemId: 'trygg', password: secret }).start();
  const notifier = new SmppNotifier({
    name: 'operator', host: '127.0.0.1', port: smsc.port, systemId: 'trygg', password: secret, sender: 'Trygg',
    responseTimeoutMs: 60_000, enquireLinkMs: 60_000, ...settings,
  }, { logger, clock: systemClock });
  notifier.start();
  return {
    notifier, smsc, secret,
    answer: (mode) => { smsc.mode = mode; },
    receivedIds: () => smsc.notificationIds,
    cleanup: async () => {
      await notifier.close();
      await smsc.close();
    },
  };
}

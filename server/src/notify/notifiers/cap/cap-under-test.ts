import type { NotifierFactory } from '../../notifier-conformance';
import { FarEndHttp } from '../far-end-http';
import { CapNotifier } from './cap-notifier';

/** Test support: the CAP notifier against a real local HTTP receiver, for the shared conformance suite. */
export function capUnderTest(secret: string): NotifierFactory {
  return async ({ logger }) => {
    const far = new FarEndHttp();
    const base = await far.start();
    const notifier = new CapNotifier(
      { name: 'arc', url: `${base}/cap?token=\${secret:CAP_TOKEN}`, headers: { Authorization: 'Bearer ${secret:CAP_TOKEN}' } },
      { secrets: { CAP_TOKEN: secret }, logger },
    );
    return {
      notifier, secret,
      answer: (mode) => { far.mode = mode; },
      // The CAP identifier is the notification id.
      receivedIds: () => far.requests.map((r) => /<identifier>([^<]*)<\/identifier>/.exec(r.body)?.[1] ?? ''),
      cleanup: () => far.stop(),
    };
  };
}

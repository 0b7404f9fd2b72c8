import { describeNotifierConformance, type NotifierFactory } from '../notifier-conformance';
import { capUnderTest } from './cap/cap-under-test';
import { emailUnderTest } from './email/email-under-test';
import { siaDc09UnderTest } from './sia-dc09/sia-dc09-under-test';
import { smppUnderTest } from './smpp/smpp-under-test';
import { FakeProvider } from './fake-provider/fake-provider';
import { FarEndHttp } from './far-end-http';
import { HttpProviderNotifier } from './http-provider/http-provider';
import { WebhookNotifier } from './webhook/webhook';

/** Every notifier passes the same suite; add yours to this list. */
const SECRET = 'sk_live_5ecr3t/Key+with=odd&chars';

const fakeProvider: NotifierFactory = async ({ logger }) => {
  const fake = new FakeProvider({ channel: 'sms', logger, secret: SECRET });
  return {
    notifier: fake, secret: SECRET,
    answer: (mode) => {
      fake.reset();
      if (mode === 'recoverable' || mode === 'permanent') fake.failNext(Infinity, { recoverable: mode === 'recoverable' });
      if (mode === 'hang') fake.hang();
    },
    receivedIds: () => fake.received,
    cleanup: async () => {},
  };
};

const httpProvider: NotifierFactory = async ({ logger }) => {
  const far = new FarEndHttp();
  const base = await far.start();
  const notifier = new HttpProviderNotifier({
    name: 'acme', channel: 'sms',
    url: `${base}/v1/sms?key=\${secret:ACME_KEY}`,
    headers: { Authorization: 'Bearer ${secret:ACME_KEY}' },
    bodyTemplate: '{"to":"{{phone}}","message":"{{text}}","ref":"{{id}}","key":"${secret:ACME_KEY}"}',
    providerRefPath: 'messageId',
  }, { secrets: { ACME_KEY: SECRET }, logger });
  return {
    notifier, secret: SECRET,
    answer: (mode) => { far.mode = mode; },
    receivedIds: () => far.header('idempotency-key'),
    cleanup: () => far.stop(),
  };
};

const webhook: NotifierFactory = async ({ logger }) => {
  const far = new FarEndHttp();
  const base = await far.start();
  const notifier = new WebhookNotifier({
    name: 'guards', url: `${base}/hooks/trygg`, signingKey: '${secret:HOOK_KEY}',
    headers: { 'X-Api-Key': '${secret:HOOK_KEY}' },
  }, { secrets: { HOOK_KEY: SECRET }, logger });
  return {
    notifier, secret: SECRET,
    answer: (mode) => { far.mode = mode; },
    receivedIds: () => far.header('x-trygg-delivery'),
    cleanup: () => far.stop(),
  };
};

const notifiers: [string, NotifierFactory][] = [
  ['fake-provider', fakeProvider],
  ['http-provider', httpProvider],
  ['webhook', webhook],
  ['email', emailUnderTest(SECRET)],
  ['cap', capUnderTest(SECRET)],
  ['sia-dc09', siaDc09UnderTest()],
  ['smpp', ({ logger }) => smppUnderTest({ logger, secret: SECRET })],
];

for (const [name, factory] of notifiers) describeNotifierConformance(name, factory);

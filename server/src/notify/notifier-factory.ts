import type { Clock } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { NotifierConfig } from '../config/types';
import { TryggError } from '../errors';
import type { Notification, Notifier, SendResult } from './notifier';
import { CapNotifier, type CapNotifierConfig } from './notifiers/cap/cap-notifier';
import { EmailNotifier, type EmailNotifierConfig } from './notifiers/email/email-notifier';
import { FakeProvider } from './notifiers/fake-provider/fake-provider';
import { HttpProviderNotifier, type HttpProviderConfig } from './notifiers/http-provider/http-provider';
import { checkTemplate, render } from './notifiers/http-provider/template';
import { SmppNotifier, type SmppSettings } from './notifiers/smpp/smpp-notifier';
import { SiaDc09Notifier, type SiaDc09NotifierOptions } from './notifiers/sia-dc09/sia-dc09-notifier';
import { validateArcTargets } from './notifiers/sia-dc09/config';
import { WebhookNotifier, type WebhookConfig } from './notifiers/webhook/webhook';

export interface BuildContext {
  clock: Clock;
  logger: Logger;
  /** `${secret:NAME}` values: the environment's `TRYGG_SECRET_<NAME>` variables. */
  secrets: Record<string, string>;
  dataDir?: string;
  classify?: SiaDc09NotifierOptions['classify'];
  /**
   * Built only to check its settings, then closed (config-admin/config-dry-run.ts, on every save
   * and start): a notifier must then open no connection and start no timer.
   */
  dryRun?: boolean;
}

/** Secrets come from the environment, never from the configuration file. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('TRYGG_SECRET_') && v) secrets[k.slice('TRYGG_SECRET_'.length)] = v;
  return secrets;
}

/**
 * One configured notifier (config `notifiers[]`) by channel kind, from a `kind -> factory` map
 * (docs/architecture.md, "Adding a notifier"). Settings are the channel's own and validated by
 * the notifier itself; a bad one stops the server at start with TRYGG_SRV_CONFIG_INVALID naming
 * the notifier.
 */
const factories: Record<string, (config: NotifierConfig, ctx: BuildContext) => Notifier> = {
  sms: (c, ctx) => provider(c, ctx, 'sms'),
  voice: (c, ctx) => provider(c, ctx, 'voice'),
  webhook: (c, ctx) => new WebhookNotifier({ name: c.id, ...(c.settings as unknown as Omit<WebhookConfig, 'name'>) }, { secrets: ctx.secrets, clock: ctx.clock, logger: ctx.logger }),
  email: (c, ctx) => new EmailNotifier({ name: c.id, ...(c.settings as unknown as EmailNotifierConfig) }, { secrets: ctx.secrets, logger: ctx.logger }),
  cap: (c, ctx) => new CapNotifier({ name: c.id, ...(c.settings as unknown as CapNotifierConfig) }, { secrets: ctx.secrets, logger: ctx.logger }),
  'sia-dc09': (c, ctx) => {
    const targets = validateArcTargets({ [c.id]: c.settings ?? {} }, `notifiers.${c.id}.settings`);
    if (!targets.ok) throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [`notifier ${c.id}: ${targets.errors.join('; ')}`]);
    return new SiaDc09Notifier({ targets: targets.value, clock: ctx.clock, logger: ctx.logger, classify: ctx.classify });
  },
};

function provider(c: NotifierConfig, ctx: BuildContext, channel: 'sms' | 'voice'): Notifier {
  const settings = (c.settings ?? {}) as { provider?: string } & Record<string, unknown>;
  if (settings.provider === 'fake' || settings.provider === undefined) {
    return new FakeProvider({ channel, name: c.id, clock: ctx.clock, logger: ctx.logger, file: ctx.dataDir ? `${ctx.dataDir}/fake-${c.id}.jsonl` : undefined });
  }
  if (settings.provider === 'http') {
    const { provider: _p, ...rest } = settings;
    return new HttpProviderNotifier({ name: c.id, channel, ...(rest as unknown as Omit<HttpProviderConfig, 'name' | 'channel'>) }, { secrets: ctx.secrets, logger: ctx.logger });
  }
  if (settings.provider === 'smpp') {
    if (channel !== 'sms') throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [`notifier ${c.id}: SMPP carries SMS only`]);
    const { provider: _p, ...rest } = settings as unknown as SmppSettings & { provider: string };
    checkTemplate(rest.password, ctx.secrets, `notifier ${c.id} password`);
    const password = render(rest.password, {}, ctx.secrets, (v) => v);
    return new SmppNotifier({ ...rest, password, name: c.id }, { logger: ctx.logger, clock: ctx.clock });
  }
  throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [`notifier ${c.id}: unknown provider "${settings.provider}" (fake, http or smpp)`]);
}

export function buildNotifier(config: NotifierConfig, ctx: BuildContext): Notifier {
  const factory = factories[config.channel];
  if (!factory) throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [`notifier ${config.id}: unknown channel "${config.channel}" (${Object.keys(factories).join(', ')})`]);
  try {
    return factory(config, ctx);
  } catch (err) {
    if (err instanceof TryggError) throw err;
    throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [`notifier ${config.id}: ${(err as Error).message}`]);
  }
}

/**
 * The dispatcher knows one notifier per channel; several targets may share a channel (two SMS
 * providers, the police's number and colleagues' phones), so each channel gets a router that
 * picks the configured notifier by `notification.target`.
 */
export class TargetRouter implements Notifier {
  constructor(readonly channel: string, private readonly byTarget: Map<string, Notifier>) {}

  async send(notification: Notification, signal: AbortSignal): Promise<SendResult> {
    const notifier = this.byTarget.get(notification.target);
    if (!notifier) return { ok: false, recoverable: false, error: `no notifier "${notification.target}" for channel ${this.channel}` };
    return notifier.send(notification, signal);
  }

  attemptBudgetMs(notification: Notification): number | undefined {
    return this.byTarget.get(notification.target)?.attemptBudgetMs?.(notification);
  }

  async close(): Promise<void> {
    for (const n of this.byTarget.values()) await n.close?.();
  }
}

/** The channels buildNotifier knows; notifier-settings.ts must give each a settings schema (notifier-settings.test.ts). */
export function notifierChannels(): string[] {
  return Object.keys(factories);
}

import { normalisePhone } from './phone-number';
import type { TryggConfig } from './types';

/**
 * Every phone number in a configuration, rewritten to E.164 when it is saved, so providers and
 * roll-call replies compare like with like. Returns the problems as `path: message`; numbers
 * that are fine are rewritten in place.
 */
export function normaliseConfigPhones(config: TryggConfig): string[] {
  const problems: string[] = [];
  const fix = (holder: { phone?: string } | undefined, path: string) => {
    if (!holder || holder.phone === undefined) return;
    const result = normalisePhone(holder.phone);
    if (result.ok) holder.phone = result.e164;
    else problems.push(`${path}: ${result.error}`);
  };
  (config.users ?? []).forEach((user, i) => fix(user, `users[${i}].phone`));
  (config.notifiers ?? []).forEach((notifier, i) => fix(notifier.to, `notifiers[${i}].to.phone`));
  return problems;
}

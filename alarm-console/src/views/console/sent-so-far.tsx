// What has already gone out beyond the consoles for this alarm (guards, police, people's phones),
// so the responder does not call the police twice, or knows they must (issue: "the action card
// tells the responder what has already been sent"). Polled while the pop-up is shown.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { SentItem } from '@trygg/protocol';
import { t } from '../../i18n/i18n';

const POLL_MS = 3000;

const PARTY: Record<'guards' | 'police' | 'other', () => string> = {
  guards: () => t('sent.party.guards'), police: () => t('sent.party.police'), other: () => t('sent.party.other'),
};
const STATE: Record<SentItem['state'], () => string> = {
  pending: () => t('sent.state.pending'), sending: () => t('sent.state.sending'),
  delivered: () => t('sent.state.delivered'), failed: () => t('sent.state.failed'),
};

export function SentSoFar(props: { alarmId: string }) {
  const [sent, setSent] = useState<SentItem[]>([]);
  useEffect(() => {
    let alive = true;
    const load = () => api.alarm(props.alarmId).then((r) => { if (alive) setSent(r.sent ?? []); }, () => undefined);
    void load();
    const timer = setInterval(load, POLL_MS);
    return () => { alive = false; clearInterval(timer); };
  }, [props.alarmId]);
  if (sent.length === 0) return null;
  return (
    <section class="sent-so-far" aria-label={t('sent.heading')}>
      <h4>{t('sent.heading')}</h4>
      <ul>
        {sent.map((s) => (
          <li data-state={s.state}>
            {t('sent.line', { who: s.party ? PARTY[s.party]() : s.recipient, channel: s.channel, state: STATE[s.state]() })}
          </li>
        ))}
      </ul>
    </section>
  );
}

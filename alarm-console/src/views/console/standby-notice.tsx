// Responders see a calm standby notice while a meeting with elevated risk is on in a room
// (docs/drills-meetings-banned-clients.md): be ready, the room's alarms take the faster chain.
import type { Meeting } from '@trygg/protocol';
import { pick, t } from '../../i18n/i18n';
import { routeHref } from '../../state/route';

export function StandbyNotice(props: { meetings: Meeting[] }) {
  const active = props.meetings.filter((m) => m.standby && m.state === 'active');
  if (active.length === 0) return null;
  return (
    <section class="standby-banner" aria-labelledby="standby-heading" data-testid="standby-banner">
      <h2 id="standby-heading">{t('meeting.standbyHeading')}</h2>
      <ul>
        {active.map((m) => <li data-meeting-id={m.id}>{pick(m.standby)}</li>)}
      </ul>
      <a href={routeHref({ page: 'meetings' })}>{t('meeting.showAll')}</a>
    </section>
  );
}

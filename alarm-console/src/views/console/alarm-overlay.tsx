// The full-window pop-up over everything, one card per open alarm, newest first. Escape never
// dismisses it: an alarm is gone only when the server clears it.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { ConsoleAlarm, UserOutcome as ResolveOutcome, SiteView } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { AlarmAction } from '../../state/console-controller';
import { AlarmCard } from './alarm-card';
import { ConnectionPill, type ConnectionView } from './connection-status';

export interface AlarmOverlayProps {
  alarms: ConsoleAlarm[];
  sites: SiteView[];
  userName: string | undefined;
  connection: ConnectionView;
  error: string | null;
  errorSeq: number;
  onAction: (alarmId: string, action: AlarmAction, outcome?: ResolveOutcome) => boolean;
  /** Shown under the heading (the evacuation banner: never hidden behind an alarm). */
  children?: ComponentChildren;
}

export function AlarmOverlay(props: AlarmOverlayProps) {
  const { alarms } = props;
  const root = useRef<HTMLDivElement>(null);
  const seen = useRef<Set<string>>(new Set());

  // Focus the newest alarm's "I'm coming" when it appears, so Enter answers it at once.
  useEffect(() => {
    const fresh = alarms.find((a) => !seen.current.has(a.id));
    seen.current = new Set(alarms.map((a) => a.id));
    const el = root.current;
    if (!el) return;
    if (fresh || !el.contains(document.activeElement)) {
      const target = fresh ?? alarms[0];
      if (!target) return;
      const button = el.querySelector<HTMLElement>(`[data-alarm-id="${CSS.escape(target.id)}"] [data-action="respond"]`);
      button?.focus();
    }
  }, [alarms.map((a) => a.id).join()]);

  const allDrills = alarms.every((a) => a.drill);
  return (
    <div class={`overlay${allDrills ? ' overlay-drill' : ''}`} ref={root} role="alertdialog" aria-modal="true" aria-labelledby="overlay-heading"
      onKeyDown={(e) => {
        if (e.key === 'Escape') e.preventDefault();
      }}>
      <div class="overlay-head">
        <h1 id="overlay-heading">{allDrills ? t('overlay.headingDrill') : t('overlay.heading')}</h1>
        {alarms.length > 1 && <p class="overlay-count">{t('overlay.count', { count: alarms.length })}</p>}
        <ConnectionPill view={props.connection} class="overlay-conn" />
      </div>
      {props.children}
      {props.error && <p class="overlay-error" role="alert">{props.error}</p>}
      <div class="alarm-list">
        {alarms.map((a) => (
          <AlarmCard key={a.id} alarm={a} site={props.sites.find((s) => s.id === a.siteId)} userName={props.userName}
            errorSeq={props.errorSeq} onAction={props.onAction} />
        ))}
      </div>
    </div>
  );
}

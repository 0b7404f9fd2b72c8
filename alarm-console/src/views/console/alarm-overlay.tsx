// The full-window pop-up over everything: a real modal (focus stays inside, the page behind is
// inert, Escape dismisses nothing: an alarm is gone only when the server clears it). With more
// than one open alarm, a compact list at the top names every one of them, newest first, so none
// is ever below the fold; the card underneath is the newest alarm's, or the one picked from the list.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleAlarm, UserOutcome as ResolveOutcome, SiteView } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { AlarmAction } from '../../state/console-controller';
import { useFocusTrap } from '../parts/use-focus-trap';
import { AlarmCard } from './alarm-card';
import { AlarmList } from './alarm-list';
import { ConnectionPill, type ConnectionView } from './connection-status';

export interface AlarmOverlayProps {
  /** Newest first (the board's order). */
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
  // The alarm picked from the list stays on screen while it is open; otherwise the newest is.
  // A new alarm never replaces a picked card under the responder's hand (no click on the wrong alarm).
  const [picked, setPicked] = useState<string | null>(null);
  const focusPicked = useRef(false);
  const shown = alarms.find((a) => a.id === picked) ?? alarms[0];
  useFocusTrap(root, true);

  // Without scrolling: on a small screen the list of alarms at the top stays in view, and
  // "Jeg kommer" is a scroll away (on a desk screen it is in view anyway).
  const focusRespond = (id: string) => {
    root.current?.querySelector<HTMLElement>(`[data-alarm-id="${CSS.escape(id)}"] [data-action="respond"]`)?.focus({ preventScroll: true });
  };

  // Focus the newest alarm's "Jeg kommer" when it appears, so Enter answers it at once; after a
  // pick from the list, the picked alarm's.
  useEffect(() => {
    const fresh = alarms.find((a) => !seen.current.has(a.id));
    seen.current = new Set(alarms.map((a) => a.id));
    const el = root.current;
    if (!el || !shown) return;
    if (fresh) el.scrollTop = 0; // a new alarm: its row and the heading first
    if (focusPicked.current || (fresh && fresh.id === shown.id) || !el.contains(document.activeElement)) focusRespond(shown.id);
    focusPicked.current = false;
  }, [alarms.map((a) => a.id).join(), shown?.id]);

  const allDrills = alarms.every((a) => a.drill);
  return (
    <div class={`overlay${allDrills ? ' overlay-drill' : ''}`} ref={root} tabIndex={-1} role="alertdialog" aria-modal="true" aria-labelledby="overlay-heading"
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
      {alarms.length > 1 && shown && (
        <AlarmList alarms={alarms} shownId={shown.id} onPick={(id) => {
          focusPicked.current = true;
          setPicked(id);
          if (id === shown.id) focusRespond(id);
        }} />
      )}
      {shown && (
        <AlarmCard key={shown.id} alarm={shown} site={props.sites.find((s) => s.id === shown.siteId)} userName={props.userName}
          errorSeq={props.errorSeq} onAction={props.onAction} />
      )}
    </div>
  );
}

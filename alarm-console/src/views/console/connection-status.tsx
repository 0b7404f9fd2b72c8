// The console's state in plain words: not armed, connecting, connected, reconnecting in N s.
import type { ConnectionState } from '../../state/connection';
import { t } from '../../i18n/i18n';

export interface ConnectionView {
  armed: boolean;
  state: ConnectionState;
  retryAt: number;
  now: number;
  /** An employee's console: evacuation notices only, no alarms. */
  passive?: boolean;
}

export function connectionText(v: ConnectionView): { cls: string; text: string } {
  if (!v.armed || v.state === 'stopped' || v.state === 'idle') return { cls: 'not-armed', text: t('status.notArmed') };
  if (v.state === 'connected') return { cls: 'connected', text: v.passive ? t('status.connectedPassive') : t('status.connected') };
  if (v.state === 'connecting') return { cls: 'connecting', text: t('status.connecting') };
  const seconds = Math.ceil((v.retryAt - v.now) / 1000);
  return { cls: 'reconnecting', text: seconds > 0 ? t('status.reconnecting', { seconds }) : t('status.reconnectingNow') };
}

export function ConnectionPill(props: { view: ConnectionView; class?: string }) {
  const { cls, text } = connectionText(props.view);
  return (
    <p class={`${props.class ?? 'conn'} ${cls}`} role="status" aria-live="polite" data-connection={cls}>
      <span class="visually-hidden">{t('status.label')}: </span>
      {text}
    </p>
  );
}

// The discreet panic button on the console. Safety rule (issue 3, silence where it
// matters): the station that presses it shows and sounds nothing an aggressor could notice:
// no overlay, no sound, no text, no change of look. Only a data attribute counts the server's
// confirmations (for tests), invisible on screen and silent for screen readers.
import { t } from '../../i18n/i18n';
import { PANIC_SHORTCUT_LABEL } from '../../state/panic-shortcut';

export function PanicButton(props: { onPanic: () => void; confirmed: number }) {
  return (
    <button type="button" class="panic-discreet" id="discreet-alarm" data-confirmed={String(props.confirmed)}
      aria-label={t('panic.label', { shortcut: PANIC_SHORTCUT_LABEL })}
      onClick={(e) => {
        props.onPanic();
        (e.currentTarget as HTMLButtonElement).blur();
      }}>
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
        <path d="M8 1 2 3.5V8c0 3.3 2.5 6.2 6 7 3.5-.8 6-3.7 6-7V3.5L8 1z" fill="currentColor" />
      </svg>
    </button>
  );
}

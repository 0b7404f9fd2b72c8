// The discreet panic button on the console. Safety rule (issue 3, "silence where it matters"):
// the station that presses it shows and sounds nothing an aggressor could notice: no overlay, no
// sound, no text. Like a hardware button's LED (issue 12), the person who pressed gets one
// discreet sign on the button itself: a small dot once the alarm is stored, a green one when
// someone acknowledged or is coming. It goes when the alarm is over. The words are only in the
// tooltip and the button's description, never on screen by themselves or in a live region.
import { t } from '../../i18n/i18n';
import type { ConsoleState } from '../../state/console-controller';
import { PANIC_SHORTCUT_LABEL } from '../../state/panic-shortcut';

export function PanicButton(props: { onPanic: () => void; confirmed: number; feedback: ConsoleState['panicFeedback'] }) {
  const feedback = props.feedback?.action;
  const status = feedback === 'help-coming' ? t('panic.helpComing') : feedback === 'received' ? t('panic.received') : undefined;
  return (
    <button type="button" class="panic-discreet" id="discreet-alarm" data-confirmed={String(props.confirmed)} data-feedback={feedback ?? 'none'}
      aria-label={t('panic.label', { shortcut: PANIC_SHORTCUT_LABEL })} title={status}
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

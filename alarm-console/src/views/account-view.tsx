import { useState } from 'preact/hooks';
import { ApiError } from '../api/http';
import { api } from '../api/client';
import { t } from '../i18n/i18n';
import type { AppSession } from '../state/app-state';

const MIN_LENGTH = 10;

/** The user's own account: change the password (other sessions end), log out everywhere. */
export function AccountView(props: { session: AppSession }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const change = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!current || !next) return setMessage({ ok: false, text: t('account.missing') });
    if ([...next].length < MIN_LENGTH) return setMessage({ ok: false, text: t('account.tooShort', { count: MIN_LENGTH }) });
    if (next !== repeat) return setMessage({ ok: false, text: t('account.mismatch') });
    setBusy(true);
    try {
      const { endedSessions } = await api.changePassword(current, next);
      setMessage({ ok: true, text: t('account.changed', { count: endedSessions }) });
      setCurrent(''); setNext(''); setRepeat('');
    } catch (err) {
      const code = err instanceof ApiError ? err.code : '';
      setMessage({ ok: false, text: code === 'TRYGG_SRV_WRONG_PASSWORD' ? t('account.wrongCurrent')
        : code === 'TRYGG_SRV_WEAK_PASSWORD' ? t('account.weak')
        : err instanceof ApiError && err.network ? t('error.network')
        : t('error.server', { status: err instanceof ApiError ? err.status : 0, code }) });
    } finally {
      setBusy(false);
    }
  };

  const everywhere = () => {
    if (!confirm(t('account.everywhereConfirm'))) return;
    void props.session.logoutEverywhere();
  };

  const field = (id: string, label: string, value: string, set: (v: string) => void, autocomplete: string) => (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="password" autocomplete={autocomplete} value={value} onInput={(e) => set((e.currentTarget as HTMLInputElement).value)} />
    </div>
  );

  return (
    <section class="view narrow" aria-labelledby="account-heading">
      <h1 id="account-heading">{t('account.heading')}</h1>
      <h2>{t('account.passwordHeading')}</h2>
      <form class="stack" onSubmit={change} noValidate>
        {field('account-current', t('account.current'), current, setCurrent, 'current-password')}
        {field('account-new', t('account.new'), next, setNext, 'new-password')}
        {field('account-repeat', t('account.repeat'), repeat, setRepeat, 'new-password')}
        {message && <p class={message.ok ? 'quiet' : 'problem'} role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
        <button type="submit" class="primary" aria-disabled={busy}>{t('account.change')}</button>
      </form>
      <h2>{t('account.sessionsHeading')}</h2>
      <p class="quiet">{t('account.everywhereHelp')}</p>
      <button type="button" class="secondary" onClick={everywhere}>{t('account.everywhere')}</button>
      <h2>{t('account.helpHeading')}</h2>
      <p class="quiet">{t('account.apiHelp')}</p>
      {/* The server's interactive API reference (Swagger UI), built from the same schemas as this console's types. */}
      <p><a href="/api/docs" target="_blank" rel="noopener" data-testid="api-reference">{t('account.apiReference')}</a></p>
    </section>
  );
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/http';
import { t } from '../i18n/i18n';
import type { AppSession } from '../state/app-state';

export function LoginView(props: { session: AppSession; reason: string | null }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(props.reason);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!username.trim() || !password) {
      setError(t('login.missing'));
      return;
    }
    setBusy(true);
    try {
      await props.session.login(username.trim(), password);
    } catch (err) {
      setPassword('');
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) setError(t('login.failed'));
      else if (err instanceof ApiError && err.status === 429 && err.retryAfterSeconds) setError(t('login.lockedFor', { minutes: Math.ceil(err.retryAfterSeconds / 60), seconds: err.retryAfterSeconds }));
      else if (err instanceof ApiError && err.status === 429) setError(t('login.tooMany'));
      else if (err instanceof ApiError && err.network) setError(t('error.network'));
      else setError(t('error.server', { status: err instanceof ApiError ? err.status : 0, code: err instanceof ApiError ? err.code : '' }));
      setBusy(false);
    }
  };

  return (
    <section class="view narrow" aria-labelledby="login-heading">
      <h1 id="login-heading">{t('login.heading')}</h1>
      <form class="stack" onSubmit={submit} noValidate>
        <div class="field">
          <label for="login-username">{t('login.username')}</label>
          <input id="login-username" ref={first} name="username" autocomplete="username" autocapitalize="none" spellcheck={false}
            value={username} onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="login-password">{t('login.password')}</label>
          <input id="login-password" name="password" type="password" autocomplete="current-password"
            value={password} onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />
        </div>
        {error && <p class="problem" role="alert">{error}</p>}
        <button type="submit" class="primary" aria-disabled={busy}>{busy ? t('login.busy') : t('login.submit')}</button>
      </form>
    </section>
  );
}

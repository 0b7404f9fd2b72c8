// Users and roles. A manager gives no role above their own and only their own sites (the server
// checks the same); a new user needs a password of at least 8 characters.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ApiError } from '../../api/http';
import type { Role, UserView } from '@trygg/protocol';
import { getLocale, t } from '../../i18n/i18n';
import type { AppSession } from '../../state/app-state';
import { NO_PROBLEMS, placeProblems, withoutField, type PlacedProblems } from '../../state/config-problems';
import { useObservable } from '../../state/observable';
import { atLeast, ROLES } from '../../state/roles';
import { ErrorNotice, errorText, Field, Loading, Problems } from '../parts/form';
import { usePoll } from '../parts/hooks';
import { roleLabel } from './chain-steps-editor';

type Draft = UserView & { password: string };
const FIELDS = ['username', 'name', 'role', 'sites', 'password', 'phone', 'email', 'language'] as const;

export function UsersPage(props: { session: AppSession }) {
  const app = useObservable(props.session.state);
  const me = app.user!;
  const users = usePoll(() => api.users().then((r) => r.users), 0);
  // Accounts locked after failed logins (security/lockout-routes.ts): shown on their row, liftable.
  const lockouts = usePoll(() => api.loginLockouts().then((r) => r.lockouts), 15_000);
  const lockedBy = new Map((lockouts.data ?? []).map((l) => [l.username, l] as const));
  const guesses = (lockouts.data ?? []).filter((l) => !l.knownUser).map((l) => l.username);
  const unlock = async (username: string) => {
    try {
      await api.liftLoginLockout(username);
      setStatus(t('user.unlocked', { user: username }));
      lockouts.reload();
    } catch (err) {
      setProblems({ ...NO_PROBLEMS, general: [errorText(err)] });
    }
  };
  const [editing, setEditing] = useState<{ existing: string | null; draft: Draft } | null>(null);
  const [problems, setProblems] = useState<PlacedProblems>(NO_PROBLEMS);
  const [status, setStatus] = useState('');
  const list = users.data ?? [];
  const roles = ROLES.filter((r) => me.role === 'admin' || atLeast(me.role, r));

  const save = async (e: Event) => {
    e.preventDefault();
    if (!editing) return;
    const { password, ...rest } = editing.draft;
    const body = { ...rest, phone: rest.phone || undefined, email: rest.email || undefined, language: rest.language || undefined, ...(password ? { password } : {}) };
    try {
      if (editing.existing) await api.updateUser(editing.existing, body);
      else await api.addUser(body);
      setStatus(t('form.saved', { item: body.username }));
      setEditing(null);
      setProblems(NO_PROBLEMS);
      users.reload();
    } catch (err) {
      setProblems(err instanceof ApiError && err.problems.length
        ? placeProblems(err.problems, { collection: 'users', index: null, fields: FIELDS })
        : { ...NO_PROBLEMS, general: [errorText(err)] });
    }
  };

  const remove = async (username: string) => {
    if (!confirm(t('form.confirmDelete', { item: username }))) return;
    try {
      await api.deleteUser(username);
      setStatus(t('form.deleted', { item: username }));
      users.reload();
    } catch (err) {
      setProblems({ ...NO_PROBLEMS, general: [errorText(err)] });
    }
  };

  const d = editing?.draft;
  const set = (patch: Partial<Draft>) => {
    if (!editing) return;
    setEditing({ ...editing, draft: { ...editing.draft, ...patch } });
    // What the server said about a field is old once it is edited.
    setProblems((p) => Object.keys(patch).reduce(withoutField, p));
  };
  const text = (name: 'username' | 'name' | 'password' | 'phone' | 'email', label: string, type = 'text', hint?: string) => (
    <Field id={`user-${name}`} label={label} hint={hint} problems={problems.byField[name]} required={name === 'username' || name === 'name' || (name === 'password' && !editing?.existing)}>
      <input id={`user-${name}`} type={type} data-field={name} value={String(d?.[name] ?? '')} readOnly={name === 'username' && editing?.existing !== null}
        autocomplete={name === 'password' ? 'new-password' : 'off'} onInput={(e) => set({ [name]: (e.currentTarget as HTMLInputElement).value })} />
    </Field>
  );

  return (
    <section aria-labelledby="users-heading">
      <h2 id="users-heading">{t('manage.users')}</h2>
      <p class="status" role="status">{status}</p>
      <ErrorNotice error={users.error} onRetry={users.reload} />
      {users.loading && <Loading />}
      {!editing && <Problems problems={problems.general} />}
      {!editing && (
        <button type="button" class="primary" onClick={() => {
          setEditing({ existing: null, draft: { username: '', name: '', role: 'responder', sites: app.siteId ? [app.siteId] : [], password: '' } });
          setProblems(NO_PROBLEMS);
        }}>{t('form.add', { item: t('item.user') })}</button>
      )}
      {editing && d && (
        <form class="editor" onSubmit={save} noValidate>
          <h3>{editing.existing ? t('form.edit', { item: editing.existing }) : t('new.user')}</h3>
          <Problems problems={problems.general} />
          {text('username', t('user.username'))}
          {text('name', t('user.name'), 'text', t('user.nameHint'))}
          <Field id="user-role" label={t('user.role')} problems={problems.byField.role} required>
            <select id="user-role" data-field="role" value={d.role} onChange={(e) => set({ role: (e.currentTarget as HTMLSelectElement).value as Role })}>
              {roles.map((r) => <option value={r}>{roleLabel(r)}</option>)}
            </select>
          </Field>
          <fieldset class="field checks" data-field="sites">
            <legend>{t('user.sites')}</legend>
            {app.sites.map((s) => (
              <label class="check">
                <input type="checkbox" checked={d.sites.includes(s.id)} onChange={(e) => set({
                  sites: (e.currentTarget as HTMLInputElement).checked ? [...d.sites, s.id] : d.sites.filter((x) => x !== s.id),
                })} />
                {s.name}
              </label>
            ))}
            {(problems.byField.sites ?? []).map((p) => <p class="problem" role="alert">{p}</p>)}
          </fieldset>
          {text('password', editing.existing ? t('user.newPassword') : t('user.password'), 'password', t('user.passwordHint'))}
          {text('phone', t('user.phone'), 'tel')}
          {text('email', t('user.email'), 'email')}
          <Field id="user-language" label={t('user.language')} problems={problems.byField.language}>
            <select id="user-language" value={d.language ?? ''} onChange={(e) => set({ language: ((e.currentTarget as HTMLSelectElement).value || undefined) as UserView['language'] })}>
              <option value="">{t('form.none')}</option>
              <option value="nb">{t('lang.nb')}</option>
              <option value="en">{t('lang.en')}</option>
            </select>
          </Field>
          <div class="row">
            <button type="submit" class="primary">{t('form.save')}</button>
            <button type="button" class="secondary" onClick={() => setEditing(null)}>{t('form.cancel')}</button>
          </div>
        </form>
      )}
      {guesses.length > 0 && <p class="hint user-guesses">{t('user.lockedGuesses', { names: guesses.join(', ') })}</p>}
      {list.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('user.name')}</th>
                <th scope="col">{t('user.username')}</th>
                <th scope="col">{t('user.role')}</th>
                <th scope="col">{t('user.sites')}</th>
                <th scope="col"><span class="visually-hidden">{t('form.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <tr data-username={u.username} data-locked={lockedBy.has(u.username) ? 'true' : undefined}>
                  <td>{u.name}</td>
                  <td>
                    {u.username}
                    {lockedBy.has(u.username) && (
                      <span class="badge small badge-locked user-locked">
                        {t('user.locked', {
                          time: new Date(lockedBy.get(u.username)!.lockedUntil).toLocaleTimeString(getLocale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
                          failures: lockedBy.get(u.username)!.failures,
                        })}
                      </span>
                    )}
                  </td>
                  <td>{roleLabel(u.role)}</td>
                  <td>{u.sites.join(', ')}</td>
                  <td class="actions">
                    {lockedBy.has(u.username) && (
                      <button type="button" class="secondary small user-unlock" onClick={() => void unlock(u.username)}>{t('user.unlock')}</button>
                    )}
                    <button type="button" class="secondary small" aria-label={t('form.editLabel', { item: u.username })} onClick={() => {
                      setEditing({ existing: u.username, draft: { ...u, password: '' } });
                      setProblems(NO_PROBLEMS);
                    }}>{t('form.editButton')}</button>
                    {u.username !== me.username && (
                      <button type="button" class="secondary small danger" aria-label={t('form.deleteLabel', { item: u.username })} onClick={() => void remove(u.username)}>
                        {t('form.deleteButton')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

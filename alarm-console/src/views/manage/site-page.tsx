// The site itself: name, address and entrance (given to the police in action cards), time zone
// (all times on the console), the default and technical chains. Floor plans: floor-plan-upload.tsx.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ApiError } from '../../api/http';
import type { SiteView } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { AppSession } from '../../state/app-state';
import { NO_PROBLEMS, placeProblems, withoutField, type PlacedProblems } from '../../state/config-problems';
import { errorText, Field, Problems } from '../parts/form';
import { FloorPlanUpload } from './floor-plan-upload';

const FIELDS = ['name', 'address', 'entrance', 'timezone', 'defaultChain', 'technicalChain'] as const;
type Draft = Record<(typeof FIELDS)[number], string>;

const draftOf = (site: SiteView): Draft => ({
  name: site.name, address: site.address ?? '', entrance: site.entrance ?? '', timezone: site.timezone ?? '',
  defaultChain: site.defaultChain, technicalChain: site.technicalChain ?? '',
});

export function SitePage(props: { session: AppSession; site: SiteView }) {
  const { session, site } = props;
  const [draft, setDraft] = useState<Draft>(draftOf(site));
  const [problems, setProblems] = useState<PlacedProblems>(NO_PROBLEMS);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft(draftOf(site)), [site]);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await api.updateSite(site.id, {
        name: draft.name, address: draft.address || undefined, entrance: draft.entrance || undefined,
        timezone: draft.timezone || undefined, defaultChain: draft.defaultChain, technicalChain: draft.technicalChain || undefined,
      });
      await session.reloadSites();
      setProblems(NO_PROBLEMS);
      setStatus(t('form.saved', { item: site.id }));
    } catch (err) {
      setStatus('');
      setProblems(err instanceof ApiError && err.problems.length
        ? placeProblems(err.problems, { collection: 'sites', index: null, fields: FIELDS })
        : { ...NO_PROBLEMS, general: [errorText(err)] });
    } finally {
      setBusy(false);
    }
  };

  const input = (name: (typeof FIELDS)[number], label: string, hint?: string) => (
    <Field id={`site-${name}`} label={label} hint={hint} problems={problems.byField[name]} required={name === 'name'}>
      <input id={`site-${name}`} data-field={name} value={draft[name]} aria-invalid={problems.byField[name] ? 'true' : undefined}
        onInput={(e) => {
          setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value });
          setProblems((p) => withoutField(p, name));
        }} />
    </Field>
  );
  const chainSelect = (name: 'defaultChain' | 'technicalChain', label: string, optional: boolean) => (
    <Field id={`site-${name}`} label={label} problems={problems.byField[name]} required={!optional}>
      <select id={`site-${name}`} data-field={name} value={draft[name]} onChange={(e) => {
        setDraft({ ...draft, [name]: (e.currentTarget as HTMLSelectElement).value });
        setProblems((p) => withoutField(p, name));
      }}>
        {optional && <option value="">{t('site.technicalDefault')}</option>}
        {site.chains.map((c) => <option value={c.id}>{c.name ?? c.id}</option>)}
      </select>
    </Field>
  );

  return (
    <section aria-labelledby="site-heading">
      <h2 id="site-heading">{t('manage.site')}: {site.name}</h2>
      <form class="editor" onSubmit={save} noValidate>
        <Problems problems={problems.general} />
        {input('name', t('field.name'))}
        {input('address', t('site.address'), t('site.addressHint'))}
        {input('entrance', t('site.entrance'), t('site.entranceHint'))}
        {input('timezone', t('site.timezone'), t('site.timezoneHint'))}
        {chainSelect('defaultChain', t('site.defaultChain'), false)}
        {chainSelect('technicalChain', t('site.technicalChain'), true)}
        <div class="row">
          <button type="submit" class="primary" aria-disabled={busy}>{busy ? t('form.saving') : t('form.save')}</button>
          <p class="status" role="status">{status}</p>
        </div>
      </form>
      <FloorPlanUpload session={session} site={site} />
      {session.state.value.user?.role === 'admin' && <SiteAdmin session={session} site={site} />}
    </section>
  );
}

interface SiteAction { (): Promise<unknown> }

/** Admins create a site from an id and a name, and delete one; the server fills in a first zone and chain. */
function SiteAdmin(props: { session: AppSession; site: SiteView }) {
  const { session, site } = props;
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [status, setStatus] = useState('');
  const run = async (action: SiteAction, done: string) => {
    try {
      await action();
      await session.reloadSites();
      setProblems([]);
      setStatus(done);
    } catch (err) {
      setStatus('');
      setProblems(err instanceof ApiError && err.problems.length ? err.problems : [errorText(err)]);
    }
  };
  return (
    <section aria-labelledby="site-admin-heading">
      <h3 id="site-admin-heading">{t('site.admin')}</h3>
      <form class="editor" noValidate onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          await api.createSite({ id, name, timezone: site.timezone });
          session.selectSite(id);
        }, t('site.created', { id }));
      }}>
        <Problems problems={problems} />
        <Field id="site-new-id" label={t('site.newId')} required>
          <input id="site-new-id" value={id} onInput={(e) => setId((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <Field id="site-new-name" label={t('site.newName')} hint={t('site.createHint')} required>
          <input id="site-new-name" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <div class="row">
          <button type="submit" class="primary">{t('site.create')}</button>
          <button type="button" class="danger" onClick={() => {
            if (confirm(t('site.confirmDelete', { name: site.name }))) void run(() => api.deleteSite(site.id), t('site.deleted', { id: site.id }));
          }}>{t('site.delete')}</button>
          <p class="status" role="status">{status}</p>
        </div>
      </form>
    </section>
  );
}

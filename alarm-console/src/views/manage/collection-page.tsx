// List, add, edit and delete the items of one collection of a site (zones, rooms, devices,
// stations, groups, chains, action cards). The server validates every change exactly like the
// configuration file; its problems are shown next to the field they name.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Collection } from '../../api/client';
import { ApiError } from '../../api/http';
import type { SiteView } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { AppSession } from '../../state/app-state';
import { NO_PROBLEMS, placeProblems, withoutField, type PlacedProblems } from '../../state/config-problems';
import { errorText, Problems } from '../parts/form';
import { cleanItem, COLLECTION_SPECS } from './collection-fields';
import { FieldInput } from './field-inputs';

interface Editing {
  /** id of the item being edited, or null for a new one */
  id: string | null;
  draft: Record<string, unknown>;
}

export function CollectionPage(props: { session: AppSession; site: SiteView; collection: Collection }) {
  const { session, site, collection } = props;
  const spec = COLLECTION_SPECS[collection];
  const items = ((site as unknown as Record<string, unknown[]>)[collection] ?? []) as Record<string, unknown>[];
  const [editing, setEditing] = useState<Editing | null>(null);
  const [problems, setProblems] = useState<PlacedProblems>(NO_PROBLEMS);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    setEditing(null);
    setProblems(NO_PROBLEMS);
    setStatus('');
  }, [collection, site.id]);
  useEffect(() => {
    if (editing) formRef.current?.querySelector<HTMLElement>('input:not([readonly]), select, textarea')?.focus();
  }, [editing?.id, editing === null]);

  const show = (err: unknown, index: number | null) => {
    if (err instanceof ApiError && err.problems.length > 0) {
      setProblems(placeProblems(err.problems, { collection, index, fields: spec.fields.map((f) => f.name), nested: ['steps'] }));
    } else {
      setProblems({ ...NO_PROBLEMS, general: [errorText(err)] });
    }
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (!editing || busy) return;
    setBusy(true);
    const item = cleanItem(editing.draft) as Record<string, unknown>;
    const index = editing.id === null ? items.length : items.findIndex((i) => i.id === editing.id);
    try {
      if (editing.id === null) await api.addItem(site.id, collection, item);
      else await api.updateItem(site.id, collection, editing.id, item);
      await session.reloadSites();
      setStatus(t('form.saved', { item: String(item.id ?? '') }));
      setEditing(null);
      setProblems(NO_PROBLEMS);
    } catch (err) {
      show(err, index);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (id: string) => {
    if (!confirm(t('form.confirmDelete', { item: id }))) return;
    try {
      await api.deleteItem(site.id, collection, id);
      await session.reloadSites();
      setStatus(t('form.deleted', { item: id }));
      setProblems(NO_PROBLEMS);
    } catch (err) {
      show(err, null);
    }
  };

  const formId = `${collection}-form`;
  return (
    <section aria-labelledby={`${collection}-heading`} data-collection={collection}>
      <h2 id={`${collection}-heading`}>{spec.title()}</h2>
      <p class="quiet">{spec.intro()}</p>
      <p class="status" role="status">{status}</p>
      {!editing && <Problems problems={problems.general} />}
      {!editing && (
        <button type="button" class="primary" data-testid="add-item" onClick={() => {
          setEditing({ id: null, draft: spec.blank() });
          setProblems(NO_PROBLEMS);
          setStatus('');
        }}>{t('form.add', { item: spec.itemName() })}</button>
      )}

      {editing && (
        <form class="editor" id={formId} ref={formRef} onSubmit={save} noValidate aria-labelledby={`${formId}-heading`}>
          <h3 id={`${formId}-heading`}>{editing.id === null ? spec.newTitle() : t('form.edit', { item: editing.id })}</h3>
          <Problems problems={problems.general} />
          {spec.fields.map((f) => (
            <FieldInput spec={f} formId={formId} site={site} allSites={session.state.value.sites} draft={editing.draft} existing={editing.id !== null}
              problems={problems.byField[f.name] ?? []} within={problems.within[f.name] ?? []}
              onChange={(name, value) => {
                setEditing({ ...editing, draft: { ...editing.draft, [name]: value } });
                setProblems((p) => withoutField(p, name)); // what the server said about it is old now
              }} />
          ))}
          <div class="row">
            <button type="submit" class="primary" aria-disabled={busy}>{busy ? t('form.saving') : t('form.save')}</button>
            <button type="button" class="secondary" onClick={() => {
              setEditing(null);
              setProblems(NO_PROBLEMS);
            }}>{t('form.cancel')}</button>
          </div>
        </form>
      )}

      <div class="table-wrap">
        <table class="data">
          <thead>
            <tr>
              {spec.columns.map((c) => <th scope="col">{c.header()}</th>)}
              <th scope="col"><span class="visually-hidden">{t('form.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {items.length === 0 && <tr><td colSpan={spec.columns.length + 1} class="quiet">{t('form.empty')}</td></tr>}
            {items.map((item) => {
              const id = String(item.id);
              return (
                <tr data-item-id={id}>
                  {spec.columns.map((c) => <td>{c.cell(item, site)}</td>)}
                  <td class="actions">
                    <button type="button" class="secondary small" aria-label={t('form.editLabel', { item: id })} onClick={() => {
                      setEditing({ id, draft: structuredClone(item) });
                      setProblems(NO_PROBLEMS);
                      setStatus('');
                    }}>{t('form.editButton')}</button>
                    <button type="button" class="secondary small danger" aria-label={t('form.deleteLabel', { item: id })} onClick={() => void remove(id)}>
                      {t('form.deleteButton')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

// The banned clients register (utestengingsvedtak), shared by every office. Reception checks a
// name – only with a reason, under the lawful-use notice, and learns only whether a ban applies
// here and until when. Security contacts and managers keep the register (the minimum identifying
// data and the decision); managers read the audit trail of every lookup.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ApiError } from '../../api/http';
import type { BannedCheckResult, BannedClientEntry, BannedClientInput, Bilingual, SessionUser as User } from '@trygg/protocol';
import { pick, t } from '../../i18n/i18n';
import { formatDateTime } from '../../state/format';
import { can } from '../../state/roles';
import { formatDate, fromLocalInput, toLocalInput } from '../../state/site-time';
import { ErrorNotice, errorText, Field, Loading, Problems } from '../parts/form';
import { usePoll } from '../parts/hooks';
import type { SafetySite } from './labels';

const MIN_REASON = 3;

export function BannedClientsPage(props: { user: User; site: SafetySite; sites: SafetySite[] }) {
  const { user, site } = props;
  const [notice, setNotice] = useState<Bilingual | null>(null);
  return (
    <section aria-labelledby="banned-heading">
      <h2 id="banned-heading">{t('safety.banned')}</h2>
      <div class="lawful-notice" role="note" data-testid="lawful-notice">
        <h3>{t('banned.noticeHeading')}</h3>
        <p>{notice ? pick(notice) : t('banned.notice')}</p>
      </div>
      <CheckForm site={site} onNotice={setNotice} />
      {can.followUp(user.role) && <Register site={site} sites={props.sites} onNotice={setNotice} />}
      {can.readAudit(user.role) && <AuditLog site={site} />}
    </section>
  );
}

function CheckForm(props: { site: SafetySite; onNotice: (n: Bilingual) => void }) {
  const { site } = props;
  const [name, setName] = useState('');
  const [year, setYear] = useState('');
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<string[]>([]);
  const [result, setResult] = useState<BannedCheckResult | null>(null);
  const [busy, setBusy] = useState(false);

  const check = async (e: Event) => {
    e.preventDefault();
    const gaps: Record<string, string> = {};
    if (name.trim().length < 2) gaps.name = t('banned.nameMissing');
    if (reason.trim().length < MIN_REASON) gaps.reason = t('banned.reasonMissing');
    if (year && !/^\d{4}$/.test(year)) gaps.year = t('banned.yearBad');
    setMissing(gaps);
    setResult(null);
    if (Object.keys(gaps).length > 0) return;
    setBusy(true);
    try {
      const answer = await api.checkBannedClient({ siteId: site.id, name: name.trim(), reason: reason.trim(), ...(year ? { birthYear: Number(year) } : {}) });
      setResult(answer);
      props.onNotice(answer.notice);
      setProblems([]);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'TRYGG_SRV_REASON_REQUIRED') setMissing({ reason: t('banned.reasonMissing') });
      else setProblems([errorText(err)]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="editor" id="banned-check" noValidate onSubmit={check}>
      <h3>{t('banned.checkHeading')}</h3>
      <p class="hint">{t('banned.checkIntro')}</p>
      <Problems problems={problems} heading={t('banned.notChecked')} />
      <Field id="banned-name" label={t('banned.name')} problems={missing.name ? [missing.name] : []} required>
        <input id="banned-name" autocomplete="off" value={name} maxLength={200} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <Field id="banned-year" label={t('banned.birthYear')} hint={t('banned.birthYearHint')} problems={missing.year ? [missing.year] : []}>
        <input id="banned-year" inputMode="numeric" autocomplete="off" value={year} maxLength={4} onInput={(e) => setYear((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <Field id="banned-reason" label={t('banned.reason')} hint={t('banned.reasonHint')} problems={missing.reason ? [missing.reason] : []} required>
        <input id="banned-reason" autocomplete="off" value={reason} maxLength={500} aria-invalid={missing.reason ? 'true' : undefined}
          onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <div class="row tight">
        <button type="submit" class="primary" aria-disabled={busy} data-testid="banned-check-submit">{t('banned.check')}</button>
      </div>
      {result && (
        <p class={result.appliesHere ? 'notice banned-result' : result.match ? 'warning banned-result' : 'coverage-ok banned-result'} role="alert" data-testid="banned-result"
          data-match={String(result.match)} data-applies={String(result.appliesHere)}>
          {result.appliesHere
            ? t('banned.appliesHere', { until: formatDate(result.until, site.timezone) })
            : result.match ? t('banned.matchElsewhere') : t('banned.noMatch')}
        </p>
      )}
    </form>
  );
}

interface EntryDraft { name: string; birthYear: string; birthDate: string; sites: string[]; date: string; decidedBy: string; legalBasis: string; from: string; to: string }

function draftOf(e: BannedClientEntry | null, site: SafetySite): EntryDraft {
  const now = Date.now();
  return {
    name: e?.name ?? '', birthYear: e?.birthYear ? String(e.birthYear) : '', birthDate: e?.birthDate ?? '', sites: e?.sites ?? [site.id],
    date: e?.decision.date ?? toLocalInput(now, site.timezone).slice(0, 10), decidedBy: e?.decision.decidedBy ?? '', legalBasis: e?.decision.legalBasis ?? '',
    from: toLocalInput(e?.from ?? now, site.timezone), to: toLocalInput(e?.to ?? now + 365 * 86_400_000, site.timezone),
  };
}

function Register(props: { site: SafetySite; sites: SafetySite[]; onNotice: (n: Bilingual) => void }) {
  const { site, sites } = props;
  const entries = usePoll(() => api.bannedClients().then((r) => {
    props.onNotice(r.notice);
    return r.entries;
  }), 0, [site.id]);
  const [editing, setEditing] = useState<{ id: string | null; draft: EntryDraft } | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [status, setStatus] = useState('');
  const d = editing?.draft;
  const set = (patch: Partial<EntryDraft>) => editing && setEditing({ ...editing, draft: { ...editing.draft, ...patch } });

  const save = async (e: Event) => {
    e.preventDefault();
    if (!editing || !d) return;
    const from = fromLocalInput(d.from, site.timezone);
    const to = fromLocalInput(d.to, site.timezone);
    if (!d.name.trim() || !d.decidedBy.trim() || !d.legalBasis.trim() || !from || !to || d.sites.length === 0) {
      setProblems([t('banned.entryMissing')]);
      return;
    }
    const body: BannedClientInput = {
      name: d.name.trim(), sites: d.sites, decision: { date: d.date, decidedBy: d.decidedBy.trim(), legalBasis: d.legalBasis.trim() }, from, to,
      ...(d.birthYear ? { birthYear: Number(d.birthYear) } : {}), ...(d.birthDate ? { birthDate: d.birthDate } : {}),
    };
    try {
      if (editing.id) await api.updateBannedClient(editing.id, body);
      else await api.addBannedClient(body);
      setStatus(t('form.saved', { item: body.name }));
      setEditing(null);
      setProblems([]);
      entries.reload();
    } catch (err) {
      setProblems([errorText(err)]);
    }
  };
  const remove = async (entry: BannedClientEntry) => {
    if (!confirm(t('banned.confirmDelete', { name: entry.name }))) return;
    try {
      await api.deleteBannedClient(entry.id);
      setStatus(t('form.deleted', { item: entry.name }));
      entries.reload();
    } catch (err) {
      setProblems([errorText(err)]);
    }
  };
  const siteLabel = (ids: string[]) => ids.map((id) => (id === '*' ? t('banned.allOffices') : sites.find((s) => s.id === id)?.name ?? id)).join(', ');
  const text = (key: keyof EntryDraft, id: string, label: string, type = 'text', hint?: string, required = false) => (
    <Field id={id} label={label} hint={hint} required={required}>
      <input id={id} type={type} value={String(d?.[key] ?? '')} onInput={(e) => set({ [key]: (e.currentTarget as HTMLInputElement).value })} />
    </Field>
  );

  return (
    <section aria-labelledby="register-heading">
      <h3 id="register-heading">{t('banned.registerHeading')}</h3>
      <p class="quiet">{t('banned.registerIntro')}</p>
      <p class="status" role="status">{status}</p>
      {!editing && <Problems problems={problems} />}
      <ErrorNotice error={entries.error} onRetry={entries.reload} />
      {entries.loading && <Loading />}
      {!editing && (
        <button type="button" class="primary" onClick={() => {
          setEditing({ id: null, draft: draftOf(null, site) });
          setProblems([]);
        }}>{t('banned.add')}</button>
      )}
      {editing && d && (
        <form class="editor" id="banned-entry" noValidate onSubmit={save}>
          <h4>{editing.id ? t('form.edit', { item: d.name }) : t('banned.add')}</h4>
          <p class="hint">{t('banned.minimumData')}</p>
          <Problems problems={problems} />
          {text('name', 'entry-name', t('banned.name'), 'text', undefined, true)}
          <div class="row tight">
            {text('birthYear', 'entry-birthYear', t('banned.birthYear'), 'number')}
            {text('birthDate', 'entry-birthDate', t('banned.birthDate'), 'date')}
          </div>
          <fieldset class="field checks">
            <legend>{t('banned.offices')}</legend>
            <label class="check">
              <input type="checkbox" checked={d.sites.includes('*')} onChange={(e) => set({ sites: (e.currentTarget as HTMLInputElement).checked ? ['*'] : [site.id] })} />
              {t('banned.allOffices')}
            </label>
            {!d.sites.includes('*') && sites.map((s) => (
              <label class="check">
                <input type="checkbox" checked={d.sites.includes(s.id)} onChange={(e) => set({
                  sites: (e.currentTarget as HTMLInputElement).checked ? [...d.sites, s.id] : d.sites.filter((x) => x !== s.id),
                })} />
                {s.name}
              </label>
            ))}
          </fieldset>
          {text('date', 'entry-date', t('banned.decisionDate'), 'date', undefined, true)}
          {text('decidedBy', 'entry-decidedBy', t('banned.decidedBy'), 'text', undefined, true)}
          {text('legalBasis', 'entry-legalBasis', t('banned.legalBasis'), 'text', t('banned.legalBasisHint'), true)}
          <div class="row tight">
            {text('from', 'entry-from', t('banned.from'), 'datetime-local', undefined, true)}
            {text('to', 'entry-to', t('banned.to'), 'datetime-local', t('banned.toHint'), true)}
          </div>
          <div class="row">
            <button type="submit" class="primary">{t('form.save')}</button>
            <button type="button" class="secondary" onClick={() => setEditing(null)}>{t('form.cancel')}</button>
          </div>
        </form>
      )}
      {(entries.data ?? []).length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('banned.name')}</th>
                <th scope="col">{t('banned.birthYear')}</th>
                <th scope="col">{t('banned.offices')}</th>
                <th scope="col">{t('banned.decision')}</th>
                <th scope="col">{t('banned.period')}</th>
                <th scope="col"><span class="visually-hidden">{t('form.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {entries.data!.map((e) => (
                <tr data-entry-id={e.id}>
                  <td>{e.name}</td>
                  <td>{e.birthYear ?? e.birthDate ?? '–'}</td>
                  <td>{siteLabel(e.sites)}</td>
                  <td>{t('banned.decisionCell', { date: formatDate(e.decision.date, site.timezone), by: e.decision.decidedBy, basis: e.decision.legalBasis })}</td>
                  <td>{formatDate(e.from, site.timezone)} – {formatDate(e.to, site.timezone)}</td>
                  <td class="actions">
                    <button type="button" class="secondary small" aria-label={t('form.editLabel', { item: e.name })} onClick={() => {
                      setEditing({ id: e.id, draft: draftOf(e, site) });
                      setProblems([]);
                    }}>{t('form.editButton')}</button>
                    <button type="button" class="secondary small danger" aria-label={t('form.deleteLabel', { item: e.name })} onClick={() => void remove(e)}>
                      {t('form.deleteButton')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {entries.data && entries.data.length === 0 && <p class="quiet">{t('form.empty')}</p>}
    </section>
  );
}

function auditAction(action: string): string {
  switch (action) {
    case 'check': return t('banned.audit.check');
    case 'list': return t('banned.audit.list');
    case 'read': return t('banned.audit.read');
    case 'create': return t('banned.audit.create');
    case 'edit': return t('banned.audit.edit');
    case 'delete': return t('banned.audit.delete');
    case 'erase': return t('banned.audit.erase');
    default: return action;
  }
}

function AuditLog(props: { site: SafetySite }) {
  const [open, setOpen] = useState(false);
  const audit = usePoll(() => (open ? api.bannedClientsAudit() : Promise.resolve(null)), 0, [open]);
  const rows = [...(audit.data?.audit ?? [])].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return (
    <details class="read-log" data-testid="banned-audit" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{t('banned.auditHeading')}</summary>
      {audit.data && <p class="hint">{t('banned.auditIntro', { days: audit.data.retentionDays })}</p>}
      <ErrorNotice error={audit.error} onRetry={audit.reload} />
      {rows.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('history.when')}</th>
                <th scope="col">{t('history.who')}</th>
                <th scope="col">{t('banned.auditAction')}</th>
                <th scope="col">{t('banned.auditReason')}</th>
                <th scope="col">{t('banned.auditOutcome')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr data-audit-action={a.action}>
                  <td>{formatDateTime(a.at, props.site.timezone)}</td>
                  <td>{a.username} ({a.role})</td>
                  <td>{auditAction(a.action)}{a.siteId && ` · ${a.siteId}`}</td>
                  <td>{a.reason ?? '–'}</td>
                  <td>{a.action === 'check' ? (a.appliesHere ? t('banned.appliesHereShort') : a.matched ? t('banned.matchElsewhereShort') : t('banned.noMatchShort')) : (a.entryId ?? '–')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}

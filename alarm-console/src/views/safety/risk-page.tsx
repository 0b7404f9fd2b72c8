// The ROS risk matrix (risiko- og sårbarhetsanalyse): the report's events placed by likelihood and
// consequence in a 5 x 5 matrix coloured by the server's rule (red: measures required), each with
// the likelihood observed from the office's own incident reports over the last 12 months beside
// it, highlighted where reality and the analysis differ. Security contacts and managers change an
// event's values for their office and keep its measures (owner, status).
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { MeasureStatus, RiskCatalogue, RiskEvent, RiskRegister, SessionUser as User } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import { formatDateTime } from '../../state/format';
import { levelCounts, matrixRows, SCALE } from '../../state/risk-matrix';
import { can } from '../../state/roles';
import { ErrorNotice, errorText, Loading, Problems } from '../parts/form';
import { usePoll } from '../parts/hooks';
import { levelLabel, MEASURE_STATUSES, measureKindLabel, measureStatusLabel, reportLang, reportText, type SafetySite, type Task } from './labels';

export function RiskPage(props: { user: User; site: SafetySite }) {
  const { site } = props;
  const editor = can.followUp(props.user.role);
  const register = usePoll(() => api.riskRegister(site.id), 0, [site.id]);
  const catalogue = usePoll(() => api.riskCatalogue(), 0);
  const [selected, setSelected] = useState<string | null>(null);
  const data = register.data;
  const event = data?.events.find((e) => e.id === selected);
  const scaleName = (list: RiskCatalogue['likelihoodScale'] | undefined, v: number) => reportText(list?.find((s) => s.value === v)?.name);
  const counts = data ? levelCounts(data.events) : null;
  const needMeasures = data?.events.filter((e) => e.needsMeasures).length ?? 0;

  return (
    <section aria-labelledby="risk-heading">
      <h2 id="risk-heading">{t('safety.risk')}</h2>
      <p class="quiet">{t('risk.intro')}</p>
      <ErrorNotice error={register.error ?? catalogue.error} onRetry={register.reload} />
      {register.loading && <Loading />}
      {data && counts && (
        <>
          <dl class="stats">
            <div><dt>{levelLabel('red')}</dt><dd data-testid="count-red">{counts.red}</dd></div>
            <div><dt>{levelLabel('yellow')}</dt><dd>{counts.yellow}</dd></div>
            <div><dt>{levelLabel('green')}</dt><dd>{counts.green}</dd></div>
            <div><dt>{t('risk.needMeasures')}</dt><dd class={needMeasures ? 'bad' : ''}>{needMeasures}</dd></div>
            <div><dt>{t('risk.differs')}</dt><dd>{data.events.filter((e) => e.observed.differs).length}</dd></div>
          </dl>
          <ul class="risk-legend">
            {(['red', 'yellow', 'green'] as const).map((level) => (
              <li><span class={`swatch level-${level}`} aria-hidden="true" /> <strong>{levelLabel(level)}</strong>: <span lang={reportLang()}>{reportText(data.rule.levels[level])}</span></li>
            ))}
          </ul>
          <div class="table-wrap">
            <table class="risk-matrix" aria-describedby="risk-rule">
              <caption>{t('risk.matrixCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('risk.likelihoodVsConsequence')}</th>
                  {SCALE.map((c) => (
                    <th scope="col"><span class="axis">{c}</span> <span class="small" lang={reportLang()}>{scaleName(catalogue.data?.consequenceScale, c)}</span></th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {matrixRows(data).map((row) => (
                  <tr>
                    <th scope="row"><span class="axis">{row[0]!.likelihood}</span> <span class="small" lang={reportLang()}>{scaleName(catalogue.data?.likelihoodScale, row[0]!.likelihood)}</span></th>
                    {row.map((cell) => (
                      <td class={`level-${cell.level}`} data-cell={`${cell.likelihood}-${cell.consequence}`} data-level={cell.level}>
                        <span class="visually-hidden">{levelLabel(cell.level)}</span>
                        <ul>
                          {cell.events.map((e) => (
                            <li data-event-id={e.id} class={e.observed.differs ? 'differs' : ''}>
                              <button type="button" class="link" lang={reportLang()} aria-pressed={selected === e.id} onClick={() => setSelected(e.id)}>{reportText(e.name)}</button>
                              <Observed event={e} />
                            </li>
                          ))}
                        </ul>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="hint" id="risk-rule" lang={reportLang()}>{reportText(data.rule.description)} {reportText(data.rule.observed.description)}</p>
          {event && (
            <EventPanel key={event.id} site={site} event={event} editor={editor} catalogue={catalogue.data} onChanged={register.reload} onClose={() => setSelected(null)} />
          )}
          <RegisterTable data={data} selected={selected} onSelect={setSelected} />
        </>
      )}
    </section>
  );
}

/** Reality above the analysis is the warning; below it, a reason to look at the analysis again. */
const direction = (e: RiskEvent): 'higher' | 'lower' => (e.observed.likelihood > e.likelihood ? 'higher' : 'lower');

/** The likelihood observed from the office's own reports, beside an event in the matrix. */
function Observed(props: { event: RiskEvent }) {
  const { observed } = props.event;
  const dir = direction(props.event);
  return (
    <span class={`observed${observed.differs ? ` differs ${dir}` : ''}`} title={t('risk.observedTitle', { count: observed.count12m })}>
      {!observed.differs ? t('risk.observedSame', { value: observed.likelihood })
        : dir === 'higher' ? t('risk.observedHigher', { value: observed.likelihood }) : t('risk.observedLower', { value: observed.likelihood })}
    </span>
  );
}

function RegisterTable(props: { data: RiskRegister; selected: string | null; onSelect: (id: string) => void }) {
  return (
    <div class="table-wrap">
      <table class="data">
        <caption class="left">{t('risk.registerCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('risk.event')}</th>
            <th scope="col">{t('risk.likelihood')}</th>
            <th scope="col">{t('risk.consequence')}</th>
            <th scope="col">{t('risk.level')}</th>
            <th scope="col">{t('risk.observed')}</th>
            <th scope="col">{t('risk.measures')}</th>
          </tr>
        </thead>
        <tbody>
          {props.data.events.map((e) => (
            <tr data-register-event={e.id} class={e.observed.differs ? 'row-differs' : ''}>
              <th scope="row">
                <button type="button" class="link" lang={reportLang()} aria-pressed={props.selected === e.id} onClick={() => props.onSelect(e.id)}>{reportText(e.name)}</button>
                {e.source === 'site' && <span class="quiet small"> {t('risk.edited')}</span>}
              </th>
              <td>{e.likelihood}{e.source === 'site' && e.report.likelihood !== e.likelihood && <span class="quiet small"> ({t('risk.reportValue', { value: e.report.likelihood })})</span>}</td>
              <td>{e.consequence}{e.source === 'site' && e.report.consequence !== e.consequence && <span class="quiet small"> ({t('risk.reportValue', { value: e.report.consequence })})</span>}</td>
              <td><span class={`pill level-${e.level}`}>{levelLabel(e.level)}</span></td>
              <td class={e.observed.differs ? `differs ${direction(e)}` : ''}>
                {t('risk.observedCell', { value: e.observed.likelihood, count: e.observed.count12m })}
                {e.observed.differs && <strong> {direction(e) === 'higher' ? t('risk.higherMark') : t('risk.lowerMark')}</strong>}
              </td>
              <td>{e.measures.length}{e.needsMeasures && <strong class="bad"> {t('risk.needsMeasure')}</strong>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EventPanel(props: { site: SafetySite; event: RiskEvent; editor: boolean; catalogue: RiskCatalogue | null; onChanged: () => void; onClose: () => void }) {
  const { site, event, editor } = props;
  const [likelihood, setLikelihood] = useState(event.likelihood);
  const [consequence, setConsequence] = useState(event.consequence);
  const [note, setNote] = useState(event.edit?.note ?? '');
  const [problems, setProblems] = useState<string[]>([]);
  const [status, setStatus] = useState('');
  const [template, setTemplate] = useState('');
  const [text, setText] = useState('');
  const [kind, setKind] = useState<'preventive' | 'damage-limiting'>('preventive');
  const [owner, setOwner] = useState('');

  const run = async (fn: Task, done: string) => {
    try {
      await fn();
      setProblems([]);
      setStatus(done);
      props.onChanged();
    } catch (err) {
      setProblems([errorText(err)]);
    }
  };
  const scaleSelect = (id: string, label: string, value: number, onChange: (v: number) => void) => (
    <label>
      {label}
      <select id={id} value={value} disabled={!editor} onChange={(e) => onChange(Number((e.currentTarget as HTMLSelectElement).value))}>
        {SCALE.map((v) => <option value={v}>{v}</option>)}
      </select>
    </label>
  );

  return (
    <section class="editor" aria-labelledby="event-heading" data-testid="risk-event" data-event={event.id}>
      <h3 id="event-heading" lang={reportLang()}>{reportText(event.name)} <span class={`pill level-${event.level}`}>{levelLabel(event.level)}</span></h3>
      <p class="hint">
        {t('risk.reportSays', { likelihood: event.report.likelihood, consequence: event.report.consequence, word: event.report.word })}
        {event.edit && ` ${t('risk.editedBy', { who: event.edit.updatedBy, when: formatDateTime(event.edit.updatedAt, site.timezone) })}`}
      </p>
      <p class={event.observed.differs ? 'warning' : 'quiet'}>
        {t('risk.observedLine', { count: event.observed.count12m, value: event.observed.likelihood, level: levelLabel(event.observed.level) })}
      </p>
      <Problems problems={problems} />
      <form noValidate onSubmit={(e) => {
        e.preventDefault();
        void run(() => api.editRiskEvent(site.id, event.id, { likelihood, consequence, ...(note.trim() ? { note: note.trim() } : {}) }), t('risk.savedEvent'));
      }}>
        <div class="row tight">
          {scaleSelect('risk-likelihood', t('risk.likelihood'), likelihood, setLikelihood)}
          {scaleSelect('risk-consequence', t('risk.consequence'), consequence, setConsequence)}
          {editor && (
            <label class="grow">
              {t('risk.note')}
              <input id="risk-note" value={note} maxLength={1000} onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
            </label>
          )}
        </div>
        {editor && (
          <div class="row tight">
            <button type="submit" class="primary" data-testid="risk-save">{t('form.save')}</button>
            {event.source === 'site' && (
              <button type="button" class="secondary" onClick={() => void run(() => api.resetRiskEvent(site.id, event.id), t('risk.resetDone'))}>{t('risk.reset')}</button>
            )}
            <button type="button" class="secondary" onClick={props.onClose}>{t('risk.closePanel')}</button>
          </div>
        )}
      </form>
      <p class="status" role="status">{status}</p>
      <h4>{t('risk.measures')}</h4>
      {event.measures.length === 0 && <p class={event.needsMeasures ? 'notice' : 'quiet'}>{event.needsMeasures ? t('risk.needsMeasureLong') : t('risk.noMeasures')}</p>}
      {event.measures.length > 0 && (
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('risk.measure')}</th>
              <th scope="col">{t('risk.measureKind')}</th>
              <th scope="col">{t('risk.owner')}</th>
              <th scope="col">{t('risk.status')}</th>
              {editor && <th scope="col"><span class="visually-hidden">{t('form.actions')}</span></th>}
            </tr>
          </thead>
          <tbody>
            {event.measures.map((m) => (
              <tr data-measure-id={m.id}>
                <td lang={m.templateId ? reportLang() : undefined}>{reportText(m.text)}</td>
                <td>{measureKindLabel(m.kind)}</td>
                <td>
                  {editor ? (
                    <input aria-label={t('risk.owner')} value={m.owner ?? ''} maxLength={200}
                      onChange={(e) => void run(() => api.updateMeasure(site.id, m.id, { owner: (e.currentTarget as HTMLInputElement).value.trim() || null }), t('risk.savedMeasure'))} />
                  ) : (m.owner ?? '–')}
                </td>
                <td>
                  {editor ? (
                    <select aria-label={t('risk.status')} value={m.status}
                      onChange={(e) => void run(() => api.updateMeasure(site.id, m.id, { status: (e.currentTarget as HTMLSelectElement).value as MeasureStatus }), t('risk.savedMeasure'))}>
                      {MEASURE_STATUSES.map((s) => <option value={s}>{measureStatusLabel(s)}</option>)}
                    </select>
                  ) : measureStatusLabel(m.status)}
                </td>
                {editor && (
                  <td class="actions">
                    <button type="button" class="secondary small danger" onClick={() => {
                      if (confirm(t('risk.confirmRemove'))) void run(() => api.deleteMeasure(site.id, m.id), t('risk.removedMeasure'));
                    }}>{t('form.deleteButton')}</button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editor && (
        <form class="add-measure" noValidate onSubmit={(e) => {
          e.preventDefault();
          if (!template && !text.trim()) {
            setProblems([t('risk.measureMissing')]);
            return;
          }
          void run(() => api.addMeasure(site.id, {
            eventIds: [event.id], ...(template ? { templateId: template } : { text: text.trim(), kind }), owner: owner.trim() || null, status: 'proposed',
          }), t('risk.savedMeasure')).then(() => {
            setTemplate('');
            setText('');
            setOwner('');
          });
        }}>
          <h4>{t('risk.addMeasure')}</h4>
          <div class="row tight">
            <label class="grow">
              {t('risk.template')}
              <select id="measure-template" value={template} lang={reportLang()} onChange={(e) => setTemplate((e.currentTarget as HTMLSelectElement).value)}>
                <option value="">{t('risk.ownText')}</option>
                {(props.catalogue?.measures ?? []).map((m) => <option value={m.id}>{measureKindLabel(m.kind)}: {reportText(m.text)}</option>)}
              </select>
            </label>
          </div>
          {!template && (
            <div class="row tight">
              <label class="grow">
                {t('risk.measureText')}
                <input id="measure-text" value={text} maxLength={1000} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />
              </label>
              <label>
                {t('risk.measureKind')}
                <select value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as 'preventive' | 'damage-limiting')}>
                  <option value="preventive">{measureKindLabel('preventive')}</option>
                  <option value="damage-limiting">{measureKindLabel('damage-limiting')}</option>
                </select>
              </label>
            </div>
          )}
          <div class="row tight">
            <label>
              {t('risk.owner')}
              <input id="measure-owner" value={owner} maxLength={200} onInput={(e) => setOwner((e.currentTarget as HTMLInputElement).value)} />
            </label>
            <button type="submit" class="secondary">{t('risk.addMeasureButton')}</button>
          </div>
        </form>
      )}
    </section>
  );
}

// Evacuation with roll call (docs/evacuation.md): a security contact or manager starts one (real
// or drill); everyone at the office gets the banner, SMS, a call and e-mail and answers "I'm safe".
// The live roll call lists who needs help, who could not be reached and who has not answered,
// first; the leader at the assembly point can tick people off; end it when everyone is out.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { RollCall } from '@trygg/protocol';
import { pick, t } from '../../i18n/i18n';
import { formatDateTime } from '../../state/format';
import { routeHref } from '../../state/route';
import { ErrorNotice, errorText, Field, Loading, Problems } from '../parts/form';
import { usePoll } from '../parts/hooks';
import { rollCallStateLabel, type SafetySite, type Task } from './labels';

export function EvacuationPage(props: { site: SafetySite; id?: string }) {
  return props.id ? <RollCallView site={props.site} id={props.id} /> : <StartView site={props.site} />;
}

function StartView(props: { site: SafetySite }) {
  const { site } = props;
  const list = usePoll(() => api.evacuations().then((r) => r.evacuations.filter((e) => e.siteId === site.id)), 10_000, [site.id]);
  const [drill, setDrill] = useState(true);
  const [message, setMessage] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const running = (list.data ?? []).filter((e) => e.state === 'running');

  const start = async (e: Event) => {
    e.preventDefault();
    if (!confirm(drill ? t('evacuation.confirmDrill', { site: site.name }) : t('evacuation.confirmReal', { site: site.name }))) return;
    try {
      const answer = await api.startEvacuation(site.id, { drill, ...(message.trim() ? { message: message.trim() } : {}) });
      location.hash = routeHref({ page: 'evacuation', id: answer.evacuation.id });
    } catch (err) {
      setProblems([errorText(err)]);
    }
  };

  return (
    <section aria-labelledby="evacuation-heading">
      <h2 id="evacuation-heading">{t('safety.evacuation')}</h2>
      <p class="quiet">{t('evacuation.intro')}</p>
      {running.map((e) => (
        <p class="notice" role="alert">
          {e.drill ? t('evacuation.runningDrill') : t('evacuation.running')} <a href={routeHref({ page: 'evacuation', id: e.id })}>{t('evacuation.openRollCall')}</a>
        </p>
      ))}
      <form class="editor" id="evacuation-form" noValidate onSubmit={start}>
        <h3>{t('evacuation.startHeading')}</h3>
        <Problems problems={problems} />
        <label class="check">
          <input id="evacuation-drill" type="checkbox" checked={drill} onChange={(e) => setDrill((e.currentTarget as HTMLInputElement).checked)} />
          {t('evacuation.drill')}
        </label>
        <Field id="evacuation-message" label={t('evacuation.message')} hint={t('evacuation.messageHint')}>
          <input id="evacuation-message" value={message} maxLength={300} onInput={(e) => setMessage((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <div class="row">
          <button type="submit" class={drill ? 'primary' : 'primary danger-fill'} data-testid="evacuation-start">
            {drill ? t('evacuation.startDrill') : t('evacuation.startReal')}
          </button>
        </div>
      </form>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && <Loading />}
      {(list.data ?? []).length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead><tr><th scope="col">{t('evacuation.started')}</th><th scope="col">{t('evacuation.kind')}</th><th scope="col">{t('evacuation.stateLabel')}</th></tr></thead>
            <tbody>
              {list.data!.map((e) => (
                <tr data-evacuation-id={e.id}>
                  <td><a href={routeHref({ page: 'evacuation', id: e.id })}>{formatDateTime(e.startedAt, site.timezone)}</a></td>
                  <td>{e.drill ? t('popup.drill') : t('kind.evacuation')}</td>
                  <td>{e.state === 'running' ? t('evacuation.isRunning') : t('evacuation.ended', { when: formatDateTime(e.endedAt, site.timezone) })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function RollCallView(props: { site: SafetySite; id: string }) {
  const { site } = props;
  const roll = usePoll(() => api.evacuation(props.id), 2000, [props.id]);
  const [problems, setProblems] = useState<string[]>([]);
  const data: RollCall | null = roll.data;
  const run = async (fn: Task) => {
    try {
      await fn();
      setProblems([]);
      roll.reload();
    } catch (err) {
      setProblems([errorText(err)]);
    }
  };
  return (
    <section aria-labelledby="rollcall-heading">
      <p><a href={routeHref({ page: 'evacuation' })}>{t('evacuation.back')}</a></p>
      <ErrorNotice error={roll.error} onRetry={roll.reload} />
      {roll.loading && <Loading />}
      {data && (
        <>
          <h2 id="rollcall-heading">
            {t('evacuation.rollCall')} {data.evacuation.drill && <span class="badge badge-drill small">{t('popup.drill')}</span>}
          </h2>
          <p>{pick(data.evacuation.banner)}</p>
          <p class="quiet">
            {t('evacuation.startedBy', { when: formatDateTime(data.evacuation.startedAt, site.timezone), who: data.evacuation.startedBy.replace(/^user:/, '') })}
            {data.evacuation.endedAt && ` · ${t('evacuation.ended', { when: formatDateTime(data.evacuation.endedAt, site.timezone) })}`}
          </p>
          <Problems problems={problems} />
          <dl class="stats" data-testid="rollcall-counts">
            <div><dt>{t('evacuation.state.needs-help')}</dt><dd class={data.counts.needsHelp ? 'bad' : ''}>{data.counts.needsHelp}</dd></div>
            <div><dt>{t('evacuation.state.unreached')}</dt><dd>{data.counts.unreached}</dd></div>
            <div><dt>{t('evacuation.state.unanswered')}</dt><dd>{data.counts.unanswered}</dd></div>
            <div><dt>{t('evacuation.state.safe')}</dt><dd data-testid="count-safe">{data.counts.safe}</dd></div>
            <div><dt>{t('evacuation.total')}</dt><dd>{data.counts.total}</dd></div>
          </dl>
          {data.evacuation.state === 'running' && (
            <button type="button" class="primary" data-testid="evacuation-end" onClick={() => {
              if (confirm(t('evacuation.confirmEnd'))) void run(() => api.endEvacuation(props.id));
            }}>{t('evacuation.end')}</button>
          )}
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">{t('user.name')}</th>
                  <th scope="col">{t('evacuation.stateLabel')}</th>
                  <th scope="col">{t('evacuation.channels')}</th>
                  <th scope="col"><span class="visually-hidden">{t('form.actions')}</span></th>
                </tr>
              </thead>
              <tbody>
                {data.people.map((p) => (
                  <tr data-username={p.username} data-state={p.state} class={p.state === 'needs-help' || p.state === 'unreached' ? 'row-bad' : ''}>
                    <td>{p.name}</td>
                    <td>
                      <strong>{rollCallStateLabel(p.state)}</strong>
                      {p.safeAt && ` · ${formatDateTime(p.safeAt, site.timezone)}`}
                      {p.via && <span class="quiet small"> ({p.via})</span>}
                    </td>
                    <td class="small">{p.channels.map((c) => `${c.channel}: ${c.state}`).join(', ') || '–'}</td>
                    <td class="actions">
                      {data.evacuation.state === 'running' && p.state !== 'safe' && (
                        <button type="button" class="secondary small" onClick={() => void run(() => api.markSafe(props.id, p.username, 'safe'))}>{t('evacuation.markSafe')}</button>
                      )}
                      {data.evacuation.state === 'running' && p.state !== 'needs-help' && (
                        <button type="button" class="secondary small danger" onClick={() => void run(() => api.markSafe(props.id, p.username, 'needs-help'))}>{t('evacuation.markHelp')}</button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

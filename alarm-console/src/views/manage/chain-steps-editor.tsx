// The ordered steps of an escalation chain: wait, whom to notify (group, zone, station, another
// site, a role, a person, an external party), on which channels, and until which state.
import type { EscalationChannel as Channel, EscalationStep, EscalationTarget, SiteView, TargetKind, UntilState } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { NestedProblem } from '../../state/config-problems';
import { ROLES } from '../../state/roles';

const TARGET_KINDS: TargetKind[] = ['group', 'zone', 'station', 'site', 'role', 'person', 'external'];
const CHANNELS: Channel[] = ['console', 'sms', 'voice', 'email'];
const UNTIL: UntilState[] = ['acknowledged', 'responding', 'resolved'];

function targetKindLabel(k: TargetKind): string {
  switch (k) {
    case 'group': return t('chain.target.group');
    case 'zone': return t('chain.target.zone');
    case 'station': return t('chain.target.station');
    case 'site': return t('chain.target.site');
    case 'role': return t('chain.target.role');
    case 'person': return t('chain.target.person');
    default: return t('chain.target.external');
  }
}

function channelLabel(c: Channel): string {
  switch (c) {
    case 'console': return t('chain.channel.console');
    case 'sms': return t('chain.channel.sms');
    case 'voice': return t('chain.channel.voice');
    default: return t('chain.channel.email');
  }
}

export function roleLabel(r: string): string {
  switch (r) {
    case 'employee': return t('role.employee');
    case 'responder': return t('role.responder');
    case 'security': return t('role.security');
    case 'manager': return t('role.manager');
    default: return t('role.admin');
  }
}

function untilLabel(u: UntilState): string {
  switch (u) {
    case 'acknowledged': return t('chain.until.acknowledged');
    case 'responding': return t('chain.until.responding');
    default: return t('chain.until.resolved');
  }
}

function targetOptions(kind: TargetKind, site: SiteView, allSites: SiteView[]): { value: string; label: string }[] | null {
  switch (kind) {
    case 'group': return site.groups.map((g) => ({ value: g.id, label: g.name ?? g.id }));
    case 'zone': return site.zones.map((z) => ({ value: z.id, label: z.name }));
    case 'station': return site.stations.map((s) => ({ value: s.id, label: s.name }));
    case 'site': return allSites.filter((s) => s.id !== site.id).map((s) => ({ value: s.id, label: s.name }));
    case 'role': return ROLES.map((r) => ({ value: r, label: roleLabel(r) }));
    default: return null; // person, external: free text (usernames, notifier ids)
  }
}

export function ChainStepsEditor(props: {
  site: SiteView;
  allSites: SiteView[];
  steps: EscalationStep[];
  problems: string[];
  /** Problems inside a step (`['1', 'afterSeconds']`): shown at that step's input only. */
  within: NestedProblem[];
  onChange: (steps: EscalationStep[]) => void;
}) {
  const { site, allSites, steps, onChange } = props;
  /** Problems of step `i` whose path below the step starts with `key` (undefined: any). */
  const stepProblems = (i: number, key?: string) => props.within.filter((p) => p.path[0] === String(i) && (key === undefined || p.path[1] === key));
  const setStep = (i: number, patch: Partial<EscalationStep>) => onChange(steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const move = (i: number, by: number) => {
    const next = [...steps];
    const [s] = next.splice(i, 1);
    next.splice(i + by, 0, s!);
    onChange(next);
  };

  return (
    // Problems about the list as a whole are said at its top; a problem inside a step marks only
    // that step's input (the whole fieldset in red would point at every field).
    <fieldset class="field steps" data-field="steps">
      <legend>{t('field.steps')}</legend>
      <p class="hint">{t('chain.hint')}</p>
      {props.problems.map((p) => <p class="problem" role="alert">{p}</p>)}
      <ol class="step-list">
        {steps.map((step, i) => {
          const sid = `step-${i}`;
          const channels = new Set(step.channels ?? ['console']);
          const afterProblems = stepProblems(i, 'afterSeconds');
          const targetProblems = (ti: number) => stepProblems(i, 'targets').filter((p) => p.path[2] === String(ti));
          // Anything else about this step (its until, channels, the list of targets as a whole).
          const otherProblems = stepProblems(i).filter((p) => p.path[1] !== 'afterSeconds' && !(p.path[1] === 'targets' && /^\d+$/.test(p.path[2] ?? '')));
          return (
            <li class="step" data-step={i}>
              <div class="step-head">
                <strong>{t('chain.step', { n: i + 1 })}</strong>
                <button type="button" class="secondary small" aria-disabled={i === 0} onClick={() => i > 0 && move(i, -1)}>{t('chain.up')}</button>
                <button type="button" class="secondary small" aria-disabled={i === steps.length - 1} onClick={() => i < steps.length - 1 && move(i, 1)}>{t('chain.down')}</button>
                <button type="button" class="secondary small danger" onClick={() => onChange(steps.filter((_, j) => j !== i))}>{t('chain.removeStep')}</button>
              </div>
              {otherProblems.map((p) => <p class="problem" role="alert">{p.text}</p>)}
              <div class="row tight">
                <label class={afterProblems.length ? 'has-problem' : undefined}>
                  {i === 0 ? t('chain.afterFirst') : t('chain.after')}
                  <input id={`${sid}-after`} type="number" min="0" max="86400" value={step.afterSeconds} readOnly={i === 0}
                    aria-invalid={afterProblems.length ? 'true' : undefined} aria-describedby={afterProblems.length ? `${sid}-after-problem` : undefined}
                    onInput={(e) => setStep(i, { afterSeconds: Number((e.currentTarget as HTMLInputElement).value || 0) })} />
                  {afterProblems.map((p) => <span class="problem" id={`${sid}-after-problem`} role="alert">{p.text}</span>)}
                </label>
                <label>
                  {t('chain.untilLabel')}
                  <select value={step.until ?? 'acknowledged'} onChange={(e) => setStep(i, { until: (e.currentTarget as HTMLSelectElement).value as UntilState })}>
                    {UNTIL.map((u) => <option value={u}>{untilLabel(u)}</option>)}
                  </select>
                </label>
              </div>
              <div class="targets">
                <p class="label">{t('chain.targets')}</p>
                {step.targets.map((target, ti) => {
                  const kind = (Object.keys(target)[0] as TargetKind | undefined) ?? 'group';
                  const value = (target as Partial<Record<TargetKind, string>>)[kind] ?? '';
                  const options = targetOptions(kind, site, allSites);
                  // One kind per target: the select and input below always set exactly one key.
                  const setTarget = (next: Partial<Record<TargetKind, string>>) => setStep(i, { targets: step.targets.map((x, k) => (k === ti ? next as EscalationTarget : x)) });
                  return (
                    <div class={`row tight target${targetProblems(ti).length ? ' has-problem' : ''}`} data-target={ti}>
                      <label>
                        <span class="visually-hidden">{t('chain.targetKind')}</span>
                        <select value={kind} onChange={(e) => setTarget({ [(e.currentTarget as HTMLSelectElement).value]: '' })}>
                          {TARGET_KINDS.map((k) => <option value={k}>{targetKindLabel(k)}</option>)}
                        </select>
                      </label>
                      <label>
                        <span class="visually-hidden">{targetKindLabel(kind)}</span>
                        {options ? (
                          <select value={value} onChange={(e) => setTarget({ [kind]: (e.currentTarget as HTMLSelectElement).value })}>
                            <option value="">{t('form.choose')}</option>
                            {options.map((o) => <option value={o.value}>{o.label}</option>)}
                          </select>
                        ) : (
                          <input value={value} placeholder={kind === 'person' ? t('chain.personPlaceholder') : t('chain.externalPlaceholder')}
                            onInput={(e) => setTarget({ [kind]: (e.currentTarget as HTMLInputElement).value })} />
                        )}
                      </label>
                      <button type="button" class="secondary small" onClick={() => setStep(i, { targets: step.targets.filter((_, k) => k !== ti) })}>
                        {t('chain.removeTarget')}
                      </button>
                      {targetProblems(ti).map((p) => <span class="problem" role="alert">{p.text}</span>)}
                    </div>
                  );
                })}
                <button type="button" class="secondary small" onClick={() => setStep(i, { targets: [...step.targets, { group: '' }] })}>{t('chain.addTarget')}</button>
              </div>
              <div class="row tight">
                <span class="label">{t('chain.channels')}</span>
                {CHANNELS.map((c) => (
                  <label class="check">
                    <input type="checkbox" checked={channels.has(c)} onChange={(e) => {
                      const next = new Set(channels);
                      if ((e.currentTarget as HTMLInputElement).checked) next.add(c);
                      else next.delete(c);
                      setStep(i, { channels: CHANNELS.filter((x) => next.has(x)) });
                    }} />
                    {channelLabel(c)}
                  </label>
                ))}
                <label class="check">
                  <input type="checkbox" checked={step.includeOriginZone === true}
                    onChange={(e) => setStep(i, { includeOriginZone: (e.currentTarget as HTMLInputElement).checked || undefined })} />
                  {t('chain.includeOrigin')}
                </label>
              </div>
            </li>
          );
        })}
      </ol>
      <button type="button" class="secondary" onClick={() => onChange([...steps, { afterSeconds: 30, targets: [{ group: '' }], until: 'acknowledged' }])}>
        {t('chain.addStep')}
      </button>
    </fieldset>
  );
}

// One form control per field kind. Every control is native (label + input/select/checkbox), so
// the forms work with the keyboard and screen readers.
import type { SiteView } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import { FloorPlan } from '../console/floor-plan';
import { Field } from '../parts/form';
import { ChainStepsEditor } from './chain-steps-editor';
import type { NestedProblem } from '../../state/config-problems';
import type { FieldSpec } from './collection-fields';

export interface FieldInputProps {
  spec: FieldSpec;
  formId: string;
  site: SiteView;
  allSites: SiteView[];
  draft: Record<string, unknown>;
  existing: boolean;
  problems: string[];
  /** Problems inside the field (a chain's steps), with their path below it. */
  within?: NestedProblem[];
  onChange: (name: string, value: unknown) => void;
}

const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

export function FieldInput(props: FieldInputProps) {
  const { spec, formId, site, draft, problems, onChange } = props;
  const id = `${formId}-${spec.name}`;
  const value = draft[spec.name];
  const described = [spec.hint ? `${id}-hint` : '', problems.length ? `${id}-problem` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-describedby': described, 'aria-invalid': problems.length ? 'true' : undefined, 'data-field': spec.name } as const;
  const field = (control: preact.ComponentChildren) => (
    <Field id={id} label={spec.label()} hint={spec.hint?.()} problems={problems} required={spec.required}>{control}</Field>
  );

  switch (spec.kind) {
    case 'id':
      return field(<input {...common} value={String(value ?? '')} readOnly={props.existing} autocapitalize="none" spellcheck={false}
        pattern="[a-z0-9][a-z0-9_-]{0,63}" onInput={(e) => onChange(spec.name, val(e))} />);
    case 'text':
      return field(<input {...common} value={String(value ?? '')} pattern={spec.pattern} onInput={(e) => onChange(spec.name, val(e))} />);
    case 'number':
      return field(<input {...common} type="number" min="0" value={value === undefined ? '' : String(value)}
        onInput={(e) => onChange(spec.name, val(e) === '' ? undefined : Number(val(e)))} />);
    case 'select':
      return field(
        <select {...common} value={String(value ?? '')} onChange={(e) => onChange(spec.name, val(e) || undefined)}>
          <option value="">{spec.required ? t('form.choose') : t('form.none')}</option>
          {spec.options!(site).map((o) => <option value={o.value}>{o.label}</option>)}
        </select>,
      );
    case 'multi': {
      const chosen = new Set((value as string[] | undefined) ?? []);
      return (
        <fieldset class={`field checks${problems.length ? ' has-problem' : ''}`} data-field={spec.name}>
          <legend>{spec.label()}</legend>
          {spec.options!(site).map((o) => (
            <label class="check">
              <input type="checkbox" checked={chosen.has(o.value)} onChange={(e) => {
                const next = new Set(chosen);
                if ((e.currentTarget as HTMLInputElement).checked) next.add(o.value);
                else next.delete(o.value);
                onChange(spec.name, [...next]);
              }} />
              {o.label}
            </label>
          ))}
          {problems.map((p) => <p class="problem" role="alert">{p}</p>)}
        </fieldset>
      );
    }
    case 'position':
      return <PositionInput {...props} />;
    case 'bilingual': {
      const v = (value as { nb?: string; en?: string } | undefined) ?? {};
      return (
        <fieldset class={`field bilingual${problems.length ? ' has-problem' : ''}`} data-field={spec.name}>
          <legend>{spec.label()}{spec.required && <span class="required" aria-hidden="true"> *</span>}</legend>
          {spec.hint && <p class="hint">{spec.hint()}</p>}
          <label>{t('lang.nb')}<input value={v.nb ?? ''} onInput={(e) => onChange(spec.name, { ...v, nb: val(e) })} data-lang="nb" /></label>
          <label>{t('lang.en')}<input value={v.en ?? ''} onInput={(e) => onChange(spec.name, { ...v, en: val(e) })} data-lang="en" /></label>
          {problems.map((p) => <p class="problem" role="alert">{p}</p>)}
        </fieldset>
      );
    }
    case 'lines': {
      const v = (value as { nb?: string[]; en?: string[] } | undefined) ?? {};
      const lines = (e: Event) => (e.currentTarget as HTMLTextAreaElement).value.split('\n');
      return (
        <fieldset class={`field bilingual${problems.length ? ' has-problem' : ''}`} data-field={spec.name}>
          <legend>{spec.label()}{spec.required && <span class="required" aria-hidden="true"> *</span>}</legend>
          {spec.hint && <p class="hint">{spec.hint()}</p>}
          <label>{t('lang.nb')}<textarea rows={5} value={(v.nb ?? []).join('\n')} onInput={(e) => onChange(spec.name, { ...v, nb: lines(e) })} data-lang="nb" /></label>
          <label>{t('lang.en')}<textarea rows={5} value={(v.en ?? []).join('\n')} onInput={(e) => onChange(spec.name, { ...v, en: lines(e) })} data-lang="en" /></label>
          {problems.map((p) => <p class="problem" role="alert">{p}</p>)}
        </fieldset>
      );
    }
    case 'steps':
      return <ChainStepsEditor site={site} allSites={props.allSites} steps={(value as never[]) ?? []} problems={problems} within={props.within ?? []}
        onChange={(steps) => onChange(spec.name, steps)} />;
    default:
      return null;
  }
}

/** x/y in percent of the floor plan; click the plan to place the room (numbers for the keyboard). */
function PositionInput(props: FieldInputProps) {
  const { spec, formId, site, draft, problems, onChange } = props;
  const pos = draft.position as { x?: number; y?: number } | undefined;
  const floor = typeof draft.floor === 'string' ? draft.floor : undefined;
  const plan = site.floorPlans?.find((p) => p.floor === floor);
  const set = (axis: 'x' | 'y', v: string) => {
    const next = { ...(pos ?? {}), [axis]: v === '' ? undefined : Number(v) };
    onChange('position', next.x === undefined && next.y === undefined ? undefined : next);
  };
  return (
    <fieldset class={`field position${problems.length ? ' has-problem' : ''}`} data-field={spec.name}>
      <legend>{spec.label()}</legend>
      <p class="hint">{plan ? t('field.positionClick') : t('field.positionNoPlan')}</p>
      <div class="row tight">
        <label>x %<input id={`${formId}-x`} type="number" min="0" max="100" step="0.5" value={pos?.x ?? ''} onInput={(e) => set('x', (e.currentTarget as HTMLInputElement).value)} /></label>
        <label>y %<input id={`${formId}-y`} type="number" min="0" max="100" step="0.5" value={pos?.y ?? ''} onInput={(e) => set('y', (e.currentTarget as HTMLInputElement).value)} /></label>
      </div>
      {plan && (
        <div class="position-picker" onClick={(e) => {
          const img = (e.currentTarget as HTMLElement).querySelector('img');
          if (!img) return;
          const box = img.getBoundingClientRect();
          const round = (v: number) => Math.min(100, Math.max(0, Math.round(v * 2) / 2));
          onChange('position', { x: round(((e.clientX - box.left) / box.width) * 100), y: round(((e.clientY - box.top) / box.height) * 100) });
        }}>
          <FloorPlan image={plan.image} floor={plan.floor} position={{ x: pos?.x ?? -100, y: pos?.y ?? -100 }} roomName={String(draft.name ?? '')} compact />
        </div>
      )}
      {problems.map((p) => <p class="problem" role="alert">{p}</p>)}
    </fieldset>
  );
}

// Form pieces shared by the manager pages: a labelled field with its problems, notices.
import type { ComponentChildren } from 'preact';
import { ApiError } from '../../api/http';
import { t } from '../../i18n/i18n';

let nextId = 0;
export const uid = (prefix: string) => `${prefix}-${++nextId}`;

export function Field(props: { id: string; label: string; hint?: string; problems?: string[]; required?: boolean; children: ComponentChildren }) {
  const { id, label, hint, problems = [], required } = props;
  return (
    <div class={`field${problems.length ? ' has-problem' : ''}`}>
      <label for={id}>
        {label}
        {required && <span class="required" aria-hidden="true"> *</span>}
      </label>
      {props.children}
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
      {problems.map((p) => (
        <p class="problem" id={`${id}-problem`} role="alert">{p}</p>
      ))}
    </div>
  );
}

export function Problems(props: { problems: string[]; heading?: string }) {
  if (props.problems.length === 0) return null;
  return (
    <div class="notice" role="alert">
      <p><strong>{props.heading ?? t('form.rejected')}</strong></p>
      <ul>{props.problems.map((p) => <li>{p}</li>)}</ul>
    </div>
  );
}

/** One line for any failed request, in the reader's language. */
export function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return t('error.unexpected');
  if (err.network) return t('error.network');
  switch (err.code) {
    case 'TRYGG_SRV_REASON_REQUIRED': return t('error.reasonRequired');
    case 'TRYGG_SRV_INCIDENT_INCOMPLETE': return t('error.incidentIncomplete');
    case 'TRYGG_SRV_INCIDENT_LOCKED': return t('error.incidentLocked');
    case 'TRYGG_SRV_INCIDENT_TRANSITION': return t('error.incidentTransition');
    case 'TRYGG_SRV_BAD_REQUEST': return t('error.badRequest', { message: err.message });
    case 'TRYGG_SRV_FLOOR_PLAN_TYPE': return t('error.floorPlanType');
    case 'TRYGG_SRV_FLOOR_PLAN_TOO_LARGE': return t('error.floorPlanTooLarge');
    case 'TRYGG_SRV_FLOOR_PLAN_PDF': return t('error.floorPlanPdf');
    default: break;
  }
  switch (err.status) {
    case 401: return t('login.sessionExpired');
    case 403: return t('error.forbidden');
    case 404: return t('error.notFound');
    default: return t('error.server', { status: err.status, code: err.code });
  }
}

export function ErrorNotice(props: { error: unknown; onRetry?: () => void }) {
  if (!props.error) return null;
  return (
    <div class="notice" role="alert">
      <p>{errorText(props.error)}</p>
      {props.onRetry && <button type="button" class="secondary" onClick={props.onRetry}>{t('error.retry')}</button>}
    </div>
  );
}

export function Loading() {
  return <p class="quiet">{t('app.loading')}</p>;
}

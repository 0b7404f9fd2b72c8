// Floor plans of a site: one per floor, uploaded here (PNG, SVG, or a PDF whose first page the
// server turns into a PNG), shown as <img> only, and removed here. Rooms are placed on them in
// the room form (field-inputs.tsx).
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { SiteView } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { AppSession } from '../../state/app-state';
import { errorText, Field, Problems } from '../parts/form';

/** Uploads or removes a plan; resolves to the status line to show. */
interface PlanAction { (): Promise<string> }

export function FloorPlanUpload(props: { session: AppSession; site: SiteView }) {
  const { session, site } = props;
  const [floor, setFloor] = useState('1');
  const [file, setFile] = useState<File | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const run = async (action: PlanAction) => {
    setBusy(true);
    try {
      const done = await action();
      await session.reloadSites();
      setProblems([]);
      setStatus(done);
    } catch (err) {
      setStatus('');
      setProblems([errorText(err)]);
    } finally {
      setBusy(false);
    }
  };
  const upload = (e: Event) => {
    e.preventDefault();
    const chosenFloor = floor.trim();
    if (!file || !chosenFloor) {
      setProblems([t('site.floorPlanNeedsFile')]);
      return;
    }
    void run(async () => {
      const res = await api.uploadFloorPlan(site.id, chosenFloor, file);
      return res.converted ? t('site.floorPlanConverted', { floor: chosenFloor }) : t('site.floorPlanUploaded', { floor: chosenFloor });
    });
  };

  return (
    <section aria-labelledby="floor-plans-heading">
      <h3 id="floor-plans-heading">{t('site.floorPlans')}</h3>
      {(site.floorPlans ?? []).length === 0 ? <p class="quiet">{t('site.noFloorPlans')}</p> : (
        <ul class="plans">
          {site.floorPlans!.map((p) => (
            <li>
              <img src={p.image} alt={t('floorPlan.caption', { floor: p.floor })} />
              <span>{t('floorPlan.caption', { floor: p.floor })}</span>
              <button type="button" class="danger" aria-disabled={busy} onClick={() => {
                if (!busy && confirm(t('site.floorPlanConfirmRemove', { floor: p.floor }))) {
                  void run(async () => { await api.deleteFloorPlan(site.id, p.floor); return t('site.floorPlanRemoved', { floor: p.floor }); });
                }
              }}>{t('site.floorPlanRemove', { floor: p.floor })}</button>
            </li>
          ))}
        </ul>
      )}
      <form class="editor" onSubmit={upload} noValidate>
        <Problems problems={problems} />
        <Field id="floor-plan-floor" label={t('site.floorPlanFloor')} hint={t('site.floorPlanFloorHint')} required>
          <input id="floor-plan-floor" value={floor} maxLength={20} onInput={(e) => setFloor((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <Field id="floor-plan-file" label={t('site.floorPlanFile')} hint={t('site.floorPlansHint')} required>
          <input id="floor-plan-file" type="file" accept="image/png,image/svg+xml,application/pdf,.png,.svg,.pdf"
            onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)} />
        </Field>
        <div class="row">
          <button type="submit" class="primary" aria-disabled={busy}>{busy ? t('site.floorPlanUploading') : t('site.floorPlanUpload')}</button>
          <p class="status" role="status">{status}</p>
        </div>
      </form>
    </section>
  );
}

// A floor plan with a marker on the room (site.floorPlans + rooms[].position, in percent).
import type { SiteView } from '@trygg/protocol';
import { t } from '../../i18n/i18n';

export function floorPlanFor(site: SiteView | undefined, roomId: string | undefined, floor: string | undefined) {
  if (!site || !roomId) return null;
  const room = site.rooms.find((r) => r.id === roomId);
  const plan = site.floorPlans?.find((p) => p.floor === (floor ?? room?.floor));
  if (!room?.position || !plan) return null;
  return { image: plan.image, floor: plan.floor, position: room.position, roomName: room.name };
}

export function FloorPlan(props: { image: string; floor: string; position: { x: number; y: number }; roomName: string; compact?: boolean }) {
  const { image, floor, position, roomName } = props;
  return (
    <figure class={`floor-plan${props.compact ? ' compact' : ''}`}>
      <div class="floor-plan-frame">
        <img src={image} alt={t('floorPlan.alt', { floor, room: roomName })} />
        <span class="floor-plan-marker" style={{ left: `${position.x}%`, top: `${position.y}%` }} aria-hidden="true" />
      </div>
      <figcaption>{t('floorPlan.caption', { floor })}</figcaption>
    </figure>
  );
}

import type { AlarmStateMessage, ConsoleActionCard, ConsoleAlarm } from '@trygg/protocol';
import type { OfficeDirectory } from '../config/office-directory';
import type { Alarm, Actor } from './alarm-types';

/** Outward shapes of an alarm: the console pop-up, the REST resource and the MQTT state message. */
export function actorName(actor: Actor | undefined): string | undefined {
  if (!actor) return undefined;
  if (actor.type === 'user' || actor.type === 'station') return actor.name;
  return actor.type === 'device' ? `device:${actor.deviceId}` : 'system';
}

/** The action card for an alarm: one for its room and kind, else the site's for the kind. */
export function actionCardFor(alarm: Alarm, directory: OfficeDirectory): ConsoleActionCard | undefined {
  const site = directory.site(alarm.siteId);
  const cards = site?.actionCards ?? [];
  const card = cards.find((c) => c.kind === alarm.kind && c.roomId !== undefined && c.roomId === alarm.roomId)
    ?? cards.find((c) => c.kind === alarm.kind && c.roomId === undefined);
  if (!card) return undefined;
  return { title: card.title, steps: card.steps, callsPolice: card.callsPolice, address: site?.address, entrance: site?.entrance };
}

export function toConsoleAlarm(alarm: Alarm, directory: OfficeDirectory): ConsoleAlarm {
  const room = directory.room(alarm.siteId, alarm.roomId);
  const actionCard = actionCardFor(alarm, directory);
  return {
    id: alarm.id,
    siteId: alarm.siteId,
    kind: alarm.kind,
    state: alarm.state,
    drill: alarm.drill,
    deviceId: alarm.deviceId,
    roomId: alarm.roomId,
    roomName: room?.name,
    floor: room?.floor,
    zoneId: alarm.zoneId,
    raisedAt: new Date(alarm.raisedAt).toISOString(),
    updatedAt: new Date(alarm.updatedAt).toISOString(),
    pressCount: alarm.pressCount,
    responders: alarm.responders.map((r) => r.name),
    acknowledgedBy: actorName(alarm.acknowledgedBy),
    ...(alarm.duress ? { duress: true } : {}),
    ...(alarm.onSceneAt !== undefined ? { onSceneAt: new Date(alarm.onSceneAt).toISOString() } : {}),
    ...(alarm.detail?.location ? { location: alarm.detail.location } : {}),
    ...(alarm.detail?.technical ? { technical: alarm.detail.technical } : {}),
    ...(alarm.detail?.address ? { address: alarm.detail.address } : {}),
    ...(alarm.detail?.person ? { person: alarm.detail.person } : {}),
    ...(actionCard ? { actionCard } : {}),
  };
}

export function toAlarmResource(alarm: Alarm, directory: OfficeDirectory) {
  return {
    ...toConsoleAlarm(alarm, directory),
    acknowledgedAt: alarm.acknowledgedAt === undefined ? undefined : new Date(alarm.acknowledgedAt).toISOString(),
    closedAt: alarm.closedAt === undefined ? undefined : new Date(alarm.closedAt).toISOString(),
    outcome: alarm.outcome,
    chainId: alarm.chain.chainId,
    escalationStep: alarm.lastStep,
    nextStepDueAt: alarm.nextStepDueAt === null ? null : new Date(alarm.nextStepDueAt).toISOString(),
    routedStations: alarm.routedStations,
  };
}

export function toAlarmStateMessage(alarm: Alarm): AlarmStateMessage {
  return {
    v: 1,
    id: alarm.id,
    siteId: alarm.siteId,
    kind: alarm.kind,
    state: alarm.state,
    drill: alarm.drill,
    ...(alarm.deviceId ? { deviceId: alarm.deviceId } : {}),
    ...(alarm.roomId ? { roomId: alarm.roomId } : {}),
    ...(alarm.zoneId ? { zoneId: alarm.zoneId } : {}),
    raisedAt: new Date(alarm.raisedAt).toISOString(),
    updatedAt: new Date(alarm.updatedAt).toISOString(),
    pressCount: alarm.pressCount,
    responders: alarm.responders.map((r) => r.name),
  };
}

// What the manager pages show and edit for each collection of a site: the form fields (with the
// configuration's own field names, so a server problem `sites.0.rooms.2.zoneId: ...` lands next to
// the zone field) and the columns of the list.
import type { Collection } from '../../api/client';
import type { SiteView } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import { kindLabel } from '../../state/format';
import { HID_MODELS, USB_ID_HEX } from './hid-binding-values';

export type FieldKind = 'id' | 'text' | 'number' | 'select' | 'multi' | 'position' | 'bilingual' | 'lines' | 'steps';
export interface Option { value: string; label: string }

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  label: () => string;
  hint?: () => string;
  required?: boolean;
  options?: (site: SiteView) => Option[];
  /** Text fields: what the browser accepts before the server checks it (HTML `pattern`). */
  pattern?: string;
}

export interface CollectionSpec {
  title: () => string;
  intro: () => string;
  itemName: () => string;
  /** Heading of the form for a new item (the word's gender differs in bokmål: ny sone, nytt rom). */
  newTitle: () => string;
  fields: FieldSpec[];
  /** Columns of the list: header and the cell text of an item. */
  columns: { header: () => string; cell: (item: Record<string, unknown>, site: SiteView) => string }[];
  blank: () => Record<string, unknown>;
}

const opt = (list: { id: string; name?: string }[]): Option[] => list.map((x) => ({ value: x.id, label: x.name ? `${x.name} (${x.id})` : x.id }));
const nameOf = (list: { id: string; name?: string }[], id: unknown) => (typeof id === 'string' ? list.find((x) => x.id === id)?.name ?? id : '–');
const str = (v: unknown) => (typeof v === 'string' && v ? v : '–');

const idField: FieldSpec = { name: 'id', kind: 'id', label: () => t('field.id'), hint: () => t('field.idHint'), required: true };
const nameField: FieldSpec = { name: 'name', kind: 'text', label: () => t('field.name'), required: true };

export const ALARM_KINDS = ['panic', 'personal', 'man-down', 'no-checkin', 'evacuation', 'technical'] as const;

export const COLLECTION_SPECS: Record<Collection, CollectionSpec> = {
  zones: {
    title: () => t('manage.zones'),
    intro: () => t('manage.zonesIntro'),
    itemName: () => t('item.zone'),
    newTitle: () => t('new.zone'),
    fields: [
      idField, nameField,
      { name: 'chain', kind: 'select', label: () => t('field.chain'), hint: () => t('field.chainHint'), options: (s) => opt(s.chains) },
    ],
    columns: [
      { header: () => t('field.name'), cell: (i) => str(i.name) },
      { header: () => t('field.id'), cell: (i) => str(i.id) },
      { header: () => t('field.chain'), cell: (i, s) => (i.chain ? nameOf(s.chains, i.chain) : t('field.chainDefault')) },
    ],
    blank: () => ({ id: '', name: '' }),
  },
  rooms: {
    title: () => t('manage.rooms'),
    intro: () => t('manage.roomsIntro'),
    itemName: () => t('item.room'),
    newTitle: () => t('new.room'),
    fields: [
      idField, nameField,
      { name: 'zoneId', kind: 'select', label: () => t('field.zoneId'), required: true, options: (s) => opt(s.zones) },
      { name: 'floor', kind: 'text', label: () => t('field.floor') },
      { name: 'position', kind: 'position', label: () => t('field.position'), hint: () => t('field.positionHint') },
    ],
    columns: [
      { header: () => t('field.name'), cell: (i) => str(i.name) },
      { header: () => t('field.id'), cell: (i) => str(i.id) },
      { header: () => t('field.zoneId'), cell: (i, s) => nameOf(s.zones, i.zoneId) },
      { header: () => t('field.floor'), cell: (i) => str(i.floor) },
    ],
    blank: () => ({ id: '', name: '', zoneId: '' }),
  },
  devices: {
    title: () => t('manage.devices'),
    intro: () => t('manage.devicesIntro'),
    itemName: () => t('item.device'),
    newTitle: () => t('new.device'),
    fields: [
      idField,
      { name: 'name', kind: 'text', label: () => t('field.name') },
      {
        name: 'type', kind: 'select', label: () => t('field.type'), required: true,
        options: () => [{ value: 'panic-button', label: t('device.type.panic-button') }, { value: 'portable', label: t('device.type.portable') }],
      },
      { name: 'roomId', kind: 'select', label: () => t('field.roomId'), hint: () => t('field.roomIdHint'), options: (s) => opt(s.rooms) },
      { name: 'person', kind: 'text', label: () => t('field.person'), hint: () => t('field.personHint') },
      { name: 'gatewayId', kind: 'select', label: () => t('field.gatewayId'), required: true, options: (s) => opt(s.gateways) },
      { name: 'heartbeatSeconds', kind: 'number', label: () => t('field.heartbeatSeconds'), hint: () => t('field.heartbeatHint') },
      // Transport binding: the gateway learns it from its device directory and follows without a restart.
      { name: 'serialAddress', kind: 'text', label: () => t('field.serialAddress'), hint: () => t('field.serialAddressHint') },
      { name: 'zigbeeFriendlyName', kind: 'text', label: () => t('field.zigbeeFriendlyName'), hint: () => t('field.zigbeeFriendlyNameHint') },
      { name: 'zigbeeModel', kind: 'text', label: () => t('field.zigbeeModel'), hint: () => t('field.zigbeeModelHint') },
      { name: 'hidVendorId', kind: 'text', pattern: USB_ID_HEX, label: () => t('field.hidVendorId'), hint: () => t('field.hidVendorIdHint') },
      { name: 'hidProductId', kind: 'text', pattern: USB_ID_HEX, label: () => t('field.hidProductId'), hint: () => t('field.hidProductIdHint') },
      { name: 'hidModel', kind: 'select', label: () => t('field.hidModel'), hint: () => t('field.hidModelHint'), options: () => HID_MODELS.map((m) => ({ value: m, label: m })) },
      { name: 'hidSerialNumber', kind: 'text', label: () => t('field.hidSerialNumber'), hint: () => t('field.hidSerialNumberHint') },
    ],
    columns: [
      { header: () => t('field.name'), cell: (i) => str(i.name ?? i.id) },
      { header: () => t('field.id'), cell: (i) => str(i.id) },
      { header: () => t('field.type'), cell: (i) => (i.type === 'portable' ? t('device.type.portable') : t('device.type.panic-button')) },
      { header: () => t('field.roomOrPerson'), cell: (i, s) => (i.roomId ? nameOf(s.rooms, i.roomId) : str(i.person)) },
      { header: () => t('field.gatewayId'), cell: (i) => str(i.gatewayId) },
    ],
    blank: () => ({ id: '', type: 'panic-button', gatewayId: '' }),
  },
  stations: {
    title: () => t('manage.stations'),
    intro: () => t('manage.stationsIntro'),
    itemName: () => t('item.station'),
    newTitle: () => t('new.station'),
    fields: [
      idField, nameField,
      { name: 'zoneId', kind: 'select', label: () => t('field.zoneId'), required: true, hint: () => t('field.stationZoneHint'), options: (s) => opt(s.zones) },
      { name: 'roomId', kind: 'select', label: () => t('field.stationRoom'), hint: () => t('field.stationRoomHint'), options: (s) => opt(s.rooms) },
    ],
    columns: [
      { header: () => t('field.name'), cell: (i) => str(i.name) },
      { header: () => t('field.id'), cell: (i) => str(i.id) },
      { header: () => t('field.zoneId'), cell: (i, s) => nameOf(s.zones, i.zoneId) },
      { header: () => t('field.stationRoom'), cell: (i, s) => (i.roomId ? nameOf(s.rooms, i.roomId) : '–') },
    ],
    blank: () => ({ id: '', name: '', zoneId: '' }),
  },
  groups: {
    title: () => t('manage.groups'),
    intro: () => t('manage.groupsIntro'),
    itemName: () => t('item.group'),
    newTitle: () => t('new.group'),
    fields: [
      idField,
      { name: 'name', kind: 'text', label: () => t('field.name') },
      { name: 'stations', kind: 'multi', label: () => t('field.stations'), options: (s) => opt(s.stations) },
      { name: 'zones', kind: 'multi', label: () => t('field.zones'), options: (s) => opt(s.zones) },
    ],
    columns: [
      { header: () => t('field.name'), cell: (i) => str(i.name ?? i.id) },
      { header: () => t('field.stations'), cell: (i, s) => ((i.stations as string[] | undefined) ?? []).map((id) => nameOf(s.stations, id)).join(', ') || '–' },
      { header: () => t('field.zones'), cell: (i, s) => ((i.zones as string[] | undefined) ?? []).map((id) => nameOf(s.zones, id)).join(', ') || '–' },
    ],
    blank: () => ({ id: '' }),
  },
  chains: {
    title: () => t('manage.chains'),
    intro: () => t('manage.chainsIntro'),
    itemName: () => t('item.chain'),
    newTitle: () => t('new.chain'),
    fields: [
      idField,
      { name: 'name', kind: 'text', label: () => t('field.name') },
      { name: 'steps', kind: 'steps', label: () => t('field.steps'), required: true },
    ],
    columns: [
      { header: () => t('field.name'), cell: (i) => str(i.name ?? i.id) },
      { header: () => t('field.id'), cell: (i) => str(i.id) },
      { header: () => t('field.steps'), cell: (i) => String((i.steps as unknown[] | undefined)?.length ?? 0) },
    ],
    blank: () => ({ id: '', steps: [{ afterSeconds: 0, targets: [{ group: '' }], until: 'acknowledged' }] }),
  },
  actionCards: {
    title: () => t('manage.actionCards'),
    intro: () => t('manage.actionCardsIntro'),
    itemName: () => t('item.actionCard'),
    newTitle: () => t('new.actionCard'),
    fields: [
      idField,
      { name: 'kind', kind: 'select', label: () => t('field.kind'), required: true, options: () => ALARM_KINDS.map((k) => ({ value: k, label: kindLabel(k) })) },
      { name: 'roomId', kind: 'select', label: () => t('field.cardRoom'), hint: () => t('field.cardRoomHint'), options: (s) => opt(s.rooms) },
      { name: 'title', kind: 'bilingual', label: () => t('field.title'), required: true },
      { name: 'steps', kind: 'lines', label: () => t('field.cardSteps'), hint: () => t('field.cardStepsHint'), required: true },
      { name: 'callsPolice', kind: 'bilingual', label: () => t('field.callsPolice'), hint: () => t('field.callsPoliceHint') },
    ],
    columns: [
      { header: () => t('field.kind'), cell: (i) => kindLabel(String(i.kind)) },
      { header: () => t('field.cardRoom'), cell: (i, s) => (i.roomId ? nameOf(s.rooms, i.roomId) : t('field.allRooms')) },
      { header: () => t('field.title'), cell: (i) => ((i.title as { nb?: string } | undefined)?.nb ?? '–') },
    ],
    blank: () => ({ id: '', kind: 'panic', title: { nb: '', en: '' }, steps: { nb: [], en: [] } }),
  },
};

/** Drops empty optional values, so the item validates like a hand-written config entry. */
export function cleanItem(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cleanItem).filter((v) => v !== undefined);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const c = cleanItem(v);
      if (c === undefined) continue;
      if (Array.isArray(c) && c.length === 0 && k !== 'steps' && k !== 'targets') continue;
      if (c && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0) continue;
      out[k] = c;
    }
    return out;
  }
  if (value === '' || value === null || (typeof value === 'number' && Number.isNaN(value))) return undefined;
  return value;
}

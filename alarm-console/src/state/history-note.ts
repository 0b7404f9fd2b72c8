// The configuration's change history stores a short note with each version, written by the
// server in English (`added rooms interview-4 to demo`, `edited user kari`): a log line, also in
// versions stored long ago. The console reads each known note as a sentence in its language,
// with the site's name; a note it does not know is shown as it is.
import { t } from '../i18n/i18n';

const ITEM_NAMES: Record<string, () => string> = {
  zones: () => t('item.zone'), rooms: () => t('item.room'), devices: () => t('item.device'), stations: () => t('item.station'),
  groups: () => t('item.group'), chains: () => t('item.chain'), gateways: () => t('item.gateway'), actionCards: () => t('item.actionCard'),
};

function itemName(collection: string): string {
  return ITEM_NAMES[collection]?.() ?? collection;
}

export function historyNoteText(note: string, siteName: (id: string) => string): string {
  let m: RegExpMatchArray | null;
  if ((m = note.match(/^(added|edited|deleted) (\w+) (\S+) (?:to|in|from) (\S+)$/))) {
    const params = { item: itemName(m[2]!), id: m[3]!, site: siteName(m[4]!) };
    return m[1] === 'added' ? t('change.added', params) : m[1] === 'edited' ? t('change.edited', params) : t('change.deleted', params);
  }
  if ((m = note.match(/^(created|edited|deleted) site (\S+)$/))) {
    const params = { site: siteName(m[2]!) };
    return m[1] === 'created' ? t('change.siteCreated', params) : m[1] === 'edited' ? t('change.siteEdited', params) : t('change.siteDeleted', params);
  }
  if ((m = note.match(/^(created|edited|deleted) user (\S+)$/))) {
    const params = { user: m[2]! };
    return m[1] === 'created' ? t('change.userCreated', params) : m[1] === 'edited' ? t('change.userEdited', params) : t('change.userDeleted', params);
  }
  if (note === 'imported whole configuration') return t('change.importedWhole');
  if ((m = note.match(/^imported sites (.+)$/))) return t('change.importedSites', { sites: m[1]!.split(', ').map(siteName).join(', ') });
  if ((m = note.match(/^seeded from (.+)$/))) return t('change.seeded', { source: m[1]! });
  return note;
}

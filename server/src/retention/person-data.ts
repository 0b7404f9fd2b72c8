import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ConfigService } from '../config-admin/config-service';
import type { OfficeDirectory } from '../config/office-directory';
import type { UserConfig } from '../config/types';
import { TryggError } from '../errors';
import { iso } from '../iso-time';
import type { PersonRecords } from './person-records';
import type { PrivacyAudit } from './privacy-audit';
import type { RetentionStores } from './retention-job';

/** What the erased person is called where an event must be kept: the timeline says "a responder acknowledged". */
export const ERASED_NAME = 'a responder';

export interface PersonAuditEntry {
  at: number;
  action: 'person-export' | 'person-erase';
  /** The administrator who asked. */
  actor: string;
  /** The person: their username for an export, the pseudonym after an erasure (their name is gone). */
  subject: string;
  detail?: Record<string, number>;
}

/**
 * A person's data (GDPR articles 15, 17 and 20): everything Trygg holds about one user as JSON,
 * and erasure: the user leaves the configuration (a new, versioned configuration), history keeps
 * the events under a pseudonym without name, phone or e-mail, and what need not be kept
 * (sessions, finished notifications to them) is deleted. Each export and erasure is recorded
 * (privacy-audit.ts) and logged.
 */
export class PersonData {
  constructor(private readonly deps: {
    stores: RetentionStores;
    records: PersonRecords;
    directory: OfficeDirectory;
    config?: ConfigService;
    audit: PrivacyAudit;
    now: () => number;
    logger: Logger;
  }) {}

  private userOrThrow(username: string): UserConfig {
    const user = this.deps.directory.rawConfig.users.find((u) => u.username === username);
    if (!user) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`user ${username}`]);
    return user;
  }

  async export(username: string, actor: string) {
    const { stores, records } = this.deps;
    const { passwordHash: _never, ...user } = this.userOrThrow(username);
    const alarms = await stores.store.alarmsInvolving(username);
    const timelines = await Promise.all(alarms.map(async (alarm) => ({ alarm, timeline: (await stores.store.alarmEvents(alarm.id)).map((e) => e.event) })));
    const data = {
      exportedAt: new Date(this.deps.now()).toISOString(),
      user,
      sessions: (await stores.store.listUserSessions(username)).map((s) => ({ createdAt: iso(s.createdAt), expiresAt: iso(s.expiresAt) })),
      alarms: timelines,
      notifications: stores.notifications.listByRecipient([`user:${username}`]),
      evacuations: stores.evacuations.personEntries(username),
      visits: stores.loneWork.personVisits(username, user.name),
      ...records.export(username),
      privacyAudit: this.deps.audit.about(username),
    };
    const detail = { alarms: alarms.length, notifications: data.notifications.length, rollCallEntries: data.evacuations.rollCall.length, visits: data.visits.length };
    this.deps.audit.record({ at: this.deps.now(), action: 'person-export', actor, subject: username, detail });
    this.deps.logger.info({ actor, subject: username, ...detail }, 'person data exported');
    return data;
  }

  async erase(username: string, actor: string): Promise<{ pseudonym: string; configVersion?: number; changed: Record<string, number> }> {
    const { stores, records, config } = this.deps;
    if (username === actor) throw new TryggError('TRYGG_SRV_PERSON_ERASE_REFUSED', [username, 'an administrator cannot erase their own account']);
    const user = this.userOrThrow(username);
    if (!config) throw new TryggError('TRYGG_SRV_PERSON_ERASE_REFUSED', [username, 'this server has no editable configuration']);
    // First the configuration: if the user is still named somewhere (a chain, a group), the change is refused and nothing is erased.
    let configVersion: number;
    try {
      configVersion = config.change((draft) => {
        draft.users = draft.users.filter((u) => u.username !== username);
      }, actor, 'person erased (GDPR)').version;
    } catch (err) {
      const problems = (err as { problems?: string[] }).problems ?? [(err as Error).message];
      throw new TryggError('TRYGG_SRV_PERSON_ERASE_REFUSED', [username, `the configuration still needs them: ${problems.join('; ').slice(0, 200)}`]);
    }
    const pseudonym = `erased-${randomBytes(4).toString('hex')}`;
    const as = { username: pseudonym, name: ERASED_NAME };
    const changed = {
      alarms: await stores.store.pseudonymiseUser(username, as),
      sessions: records.deleteSessions(username),
      notifications: stores.notifications.purgeFinished({ recipientIds: [`user:${username}`] }),
      rollCall: stores.evacuations.erasePerson(username, { username: pseudonym, name: 'a person' }),
      visits: stores.loneWork.erasePerson(username, user.name, { username: pseudonym, name: 'a person' }),
      records: records.erase(username, { username: pseudonym, name: 'a person' }),
    };
    this.deps.audit.rename(username, pseudonym);
    this.deps.audit.record({ at: this.deps.now(), action: 'person-erase', actor, subject: pseudonym, detail: changed });
    this.deps.logger.warn({ actor, pseudonym, configVersion, ...changed }, 'person erased: removed from the configuration, history kept under a pseudonym');
    return { pseudonym, configVersion, changed };
  }
}

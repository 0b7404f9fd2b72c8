import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { OfficeDirectory } from '../config/office-directory';
import type { StationConfig, UserConfig } from '../config/types';
import { TryggError } from '../errors';
import type { Metrics } from '../metrics/metrics';
import type { StationCredentialRecord, StationCredentialStore } from './station-credential-store';

/**
 * The credential lives in an HttpOnly cookie scoped to the station routes (`/api/v1/this-station`,
 * its socket under it): page scripts never see the secret, so a script injected into the console
 * cannot carry it off, and no other route receives it. Chromium keeps a cookie at most 400 days;
 * every page load renews it (GET /api/v1/this-station), so a PC in use never loses it.
 */
export const STATION_COOKIE = 'trygg_station';
export const STATION_COOKIE_PATH = '/api/v1/this-station';
export const STATION_COOKIE_MAX_AGE_S = 400 * 24 * 3600;
/** Longer than any secret we issue (43 characters); a longer cookie is not looked up. */
const MAX_SECRET_LENGTH = 100;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** A verified credential: the PC may watch this station. */
export interface StationWatch {
  credential: StationCredentialRecord;
  siteId: string;
  station: StationConfig;
}

/** What the manager pages list: a credential, and whether its PC is watching now. */
export interface StationCredentialView extends StationCredentialRecord {
  stationName?: string;
  connected: boolean;
}

/** Ends one live station socket (its credential was revoked). */
export type WatchCloser = () => void;

/**
 * Station enrolment: a manager enrols a PC once; from then on the PC arms itself with the
 * credential on every load, whoever is (or is not) logged in. The secret is 32 random bytes,
 * stored as SHA-256 only (like session tokens: a high-entropy secret needs no slow hash).
 * Revoking closes the credential's live sockets at once.
 */
export class StationCredentials {
  private readonly live = new Map<string, Set<WatchCloser>>();

  constructor(
    private readonly store: StationCredentialStore,
    private readonly directory: OfficeDirectory,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.metrics.stationCredentialsActive.set(store.countActive());
  }

  /** Issues a credential for a configured station of one of the user's sites; the secret is returned once. */
  enrol(stationId: string, by: UserConfig, label?: string): { secret: string; credential: StationCredentialRecord } {
    const found = this.directory.station(stationId);
    if (!found || !this.directory.userMayAccessSite(by, found.site.id)) throw new TryggError('TRYGG_SRV_UNKNOWN_STATION', [stationId.slice(0, 64)]);
    const secret = randomBytes(32).toString('base64url');
    const credential: StationCredentialRecord = {
      id: randomUUID(), siteId: found.site.id, stationId, createdAt: this.clock.now(), createdBy: by.username, ...(label && { label }),
    };
    this.store.insert({ ...credential, secretHash: hashSecret(secret) });
    this.metrics.stationCredentialsActive.set(this.store.countActive());
    this.logger.info({ audit: 'station-enrolled', credentialId: credential.id, stationId, siteId: found.site.id, by: by.username }, 'station enrolled');
    return { secret, credential };
  }

  /** The station a secret may watch, or the coded reason it may not. */
  verify(secret: string | undefined): StationWatch {
    if (!secret || secret.length > MAX_SECRET_LENGTH) throw new TryggError('TRYGG_SRV_STATION_NOT_ENROLLED');
    const credential = this.store.byHash(hashSecret(secret));
    if (!credential) throw new TryggError('TRYGG_SRV_STATION_NOT_ENROLLED');
    if (credential.revokedAt !== undefined) throw new TryggError('TRYGG_SRV_STATION_REVOKED', [credential.stationId]);
    const found = this.directory.station(credential.stationId);
    // The station was removed from the configuration (or moved to another site): the PC must say so.
    if (!found || found.site.id !== credential.siteId) throw new TryggError('TRYGG_SRV_UNKNOWN_STATION', [credential.stationId]);
    return { credential, siteId: found.site.id, station: found.station };
  }

  /** Still valid? (checked with every ping of a station socket). */
  stillValid(credentialId: string): boolean {
    const c = this.store.byId(credentialId);
    return c !== undefined && c.revokedAt === undefined && this.directory.station(c.stationId)?.site.id === c.siteId;
  }

  /** The credentials of the user's sites, newest first. */
  list(user: UserConfig, isConnected: (credentialId: string) => boolean = (id) => this.live.has(id)): StationCredentialView[] {
    return this.store.list()
      .filter((c) => this.directory.userMayAccessSite(user, c.siteId))
      .map((c) => ({ ...c, stationName: this.directory.station(c.stationId)?.station.name, connected: isConnected(c.id) }));
  }

  /** Revokes a credential of one of the user's sites and closes its sockets now. */
  revoke(id: string, by: UserConfig): StationCredentialRecord {
    const current = this.store.byId(id);
    if (!current || !this.directory.userMayAccessSite(by, current.siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`station credential ${id.slice(0, 64)}`]);
    this.revokeAndClose(current, by.username);
    return this.store.byId(id)!;
  }

  /** The PC itself gave its enrolment up ("forget this PC"): recorded as done by `this-pc`. */
  revokeSelf(id: string): void {
    const current = this.store.byId(id);
    if (current) this.revokeAndClose(current, 'this-pc');
  }

  private revokeAndClose(credential: StationCredentialRecord, by: string): void {
    if (this.store.revoke(credential.id, this.clock.now(), by)) {
      this.logger.warn({ audit: 'station-revoked', credentialId: credential.id, stationId: credential.stationId, siteId: credential.siteId, by }, 'station credential revoked');
    }
    this.metrics.stationCredentialsActive.set(this.store.countActive());
    for (const close of [...(this.live.get(credential.id) ?? [])]) close();
  }

  /** Records contact from the PC (socket opened or closed, page loaded). */
  touch(credentialId: string): void {
    try {
      this.store.touch(credentialId, this.clock.now());
    } catch (err) {
      // A socket closing during shutdown, after the store: last contact is a convenience, never worth a crash.
      this.logger.debug({ err, credentialId }, 'last contact not recorded');
    }
  }

  /** A station socket of this credential opened; call the returned function when it closes. */
  watch(credentialId: string, close: WatchCloser): () => void {
    let set = this.live.get(credentialId);
    if (!set) this.live.set(credentialId, (set = new Set()));
    set.add(close);
    this.metrics.stationWatchesConnected.set(this.liveCount());
    return () => {
      set.delete(close);
      if (set.size === 0 && this.live.get(credentialId) === set) this.live.delete(credentialId);
      this.metrics.stationWatchesConnected.set(this.liveCount());
    };
  }

  private liveCount(): number {
    let n = 0;
    for (const set of this.live.values()) n += set.size;
    return n;
  }
}

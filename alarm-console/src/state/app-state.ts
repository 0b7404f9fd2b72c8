// Who is logged in and the sites they may see (names, rooms, time zones): what every page needs.
import { api } from '../api/client';
import { ApiError, setUnauthenticatedHandler } from '../api/http';
import type { SiteView, SessionUser as User } from '@trygg/protocol';
import { Observable } from './observable';

export interface AppState {
  phase: 'loading' | 'login' | 'ready';
  user: User | null;
  sites: SiteView[];
  /** The site the manager pages edit. */
  siteId: string | null;
  /** Why the login page is shown again (session ended, network down ...). */
  loginReason: 'session-ended' | 'network' | null;
}

const SITE_KEY = 'trygg.console.site';

export class AppSession {
  readonly state = new Observable<AppState>({ phase: 'loading', user: null, sites: [], siteId: null, loginReason: null });
  /** Called when the session ends (logout, expired): the console disarms. */
  onEnded: () => void = () => {};

  constructor() {
    setUnauthenticatedHandler(() => {
      if (this.state.value.user) this.ended('session-ended');
    });
  }

  async check(): Promise<void> {
    try {
      const { user } = await api.session();
      await this.#enter(user);
    } catch (err) {
      this.state.set({ ...this.state.value, phase: 'login', user: null, loginReason: err instanceof ApiError && err.network ? 'network' : null });
    }
  }

  /** Throws ApiError (401 wrong credentials, 429 too many attempts, network). */
  async login(username: string, password: string): Promise<void> {
    const { user } = await api.login(username, password);
    await this.#enter(user);
  }

  async logout(): Promise<void> {
    this.onEnded();
    try {
      await api.logout();
    } catch {
      // the cookie expires by itself; the page forgets the user either way
    }
    this.state.set({ phase: 'login', user: null, sites: [], siteId: null, loginReason: null });
  }

  /** Ends every session of the user (other PCs, phones) and this one. */
  async logoutEverywhere(): Promise<void> {
    this.onEnded();
    try {
      await api.logoutEverywhere();
    } catch {
      // as with logout: the page forgets the user either way; the other sessions expire by themselves
    }
    this.state.set({ phase: 'login', user: null, sites: [], siteId: null, loginReason: null });
  }

  ended(reason: 'session-ended'): void {
    this.onEnded();
    this.state.set({ phase: 'login', user: null, sites: [], siteId: null, loginReason: reason });
  }

  async reloadSites(): Promise<void> {
    const user = this.state.value.user;
    if (!user) return;
    try {
      const { sites } = await api.sites();
      const stored = localStorageGet(SITE_KEY);
      const current = this.state.value.siteId;
      const siteId = [current, stored].find((id) => id && sites.some((s) => s.id === id)) ?? sites[0]?.id ?? null;
      this.state.update({ sites, siteId });
    } catch {
      // keep what we have; pages show their own errors
    }
  }

  selectSite(siteId: string): void {
    localStorageSet(SITE_KEY, siteId);
    this.state.update({ siteId });
  }

  site(siteId: string | undefined | null): SiteView | undefined {
    return this.state.value.sites.find((s) => s.id === siteId);
  }

  /** The time zone to show an alarm's times in: its site's, else the browser's. */
  timeZone(siteId: string | undefined | null): string | undefined {
    return this.site(siteId)?.timezone;
  }

  async #enter(user: User): Promise<void> {
    this.state.set({ ...this.state.value, phase: 'ready', user, loginReason: null });
    await this.reloadSites();
  }
}

function localStorageGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function localStorageSet(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage disabled
  }
}

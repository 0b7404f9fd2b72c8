// Hash routes (`#/alarms/<id>`): the server serves one static page, so the console needs no
// server-side fallback, and a wall screen can be bookmarked on a page.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'console' }
  | { page: 'alarms' }
  | { page: 'alarm'; id: string }
  | { page: 'devices' }
  | { page: 'coverage' }
  | { page: 'site' }
  | { page: 'collection'; collection: 'zones' | 'rooms' | 'devices' | 'stations' | 'groups' | 'chains' | 'actionCards' }
  | { page: 'users' }
  | { page: 'config' }
  | { page: 'history' }
  | { page: 'station-pcs' }
  | { page: 'incidents' }
  | { page: 'incident'; id: string }
  | { page: 'review' }
  | { page: 'risk' }
  | { page: 'drills' }
  | { page: 'drill'; id: string }
  | { page: 'statistics' }
  | { page: 'meetings' }
  | { page: 'banned' }
  | { page: 'evacuation'; id?: string }
  | { page: 'account' };

/** The safety-work pages (incidents, risk, drills, meetings, banned clients, evacuation). */
export const SAFETY_PAGES: readonly Route['page'][] = ['incidents', 'incident', 'review', 'risk', 'drills', 'drill', 'statistics', 'meetings', 'banned', 'evacuation'];

const COLLECTIONS = ['zones', 'rooms', 'devices', 'stations', 'groups', 'chains', 'actionCards'] as const;

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b] = parts;
  switch (a) {
    case 'alarms': return b ? { page: 'alarm', id: b } : { page: 'alarms' };
    case 'devices': return { page: 'devices' };
    case 'coverage': return { page: 'coverage' };
    case 'incidents': return b ? { page: 'incident', id: b } : { page: 'incidents' };
    case 'review': return { page: 'review' };
    case 'risk': return { page: 'risk' };
    case 'drills': return b ? { page: 'drill', id: b } : { page: 'drills' };
    case 'statistics': return { page: 'statistics' };
    case 'meetings': return { page: 'meetings' };
    case 'banned-clients': return { page: 'banned' };
    case 'evacuation': return b ? { page: 'evacuation', id: b } : { page: 'evacuation' };
    case 'account': return { page: 'account' };
    case 'manage':
      if (b === 'site') return { page: 'site' };
      if (b === 'users') return { page: 'users' };
      if (b === 'config') return { page: 'config' };
      if (b === 'history') return { page: 'history' };
      if (b === 'station-pcs') return { page: 'station-pcs' };
      if ((COLLECTIONS as readonly string[]).includes(b ?? '')) return { page: 'collection', collection: b as (typeof COLLECTIONS)[number] };
      return { page: 'site' };
    default: return { page: 'console' };
  }
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'console': return '#/';
    case 'alarms': return '#/alarms';
    case 'alarm': return `#/alarms/${encodeURIComponent(route.id)}`;
    case 'devices': return '#/devices';
    case 'coverage': return '#/coverage';
    case 'collection': return `#/manage/${route.collection}`;
    case 'incidents': return '#/incidents';
    case 'incident': return `#/incidents/${encodeURIComponent(route.id)}`;
    case 'review': return '#/review';
    case 'risk': return '#/risk';
    case 'drills': return '#/drills';
    case 'drill': return `#/drills/${encodeURIComponent(route.id)}`;
    case 'statistics': return '#/statistics';
    case 'meetings': return '#/meetings';
    case 'banned': return '#/banned-clients';
    case 'evacuation': return route.id ? `#/evacuation/${encodeURIComponent(route.id)}` : '#/evacuation';
    case 'account': return '#/account';
    default: return `#/manage/${route.page}`;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

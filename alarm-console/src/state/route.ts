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
  | { page: 'history' };

const COLLECTIONS = ['zones', 'rooms', 'devices', 'stations', 'groups', 'chains', 'actionCards'] as const;

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b] = parts;
  switch (a) {
    case 'alarms': return b ? { page: 'alarm', id: b } : { page: 'alarms' };
    case 'devices': return { page: 'devices' };
    case 'coverage': return { page: 'coverage' };
    case 'manage':
      if (b === 'site') return { page: 'site' };
      if (b === 'users') return { page: 'users' };
      if (b === 'config') return { page: 'config' };
      if (b === 'history') return { page: 'history' };
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

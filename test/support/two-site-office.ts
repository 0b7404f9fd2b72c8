import type { FastifyInstance } from 'fastify';
import { loadConfigFile } from '../../server/src/config/load-config';
import type { Role, TryggConfig } from '../../server/src/config/types';
import { DEMO_CONFIG } from '../../server/src/environment';

/** Password of every user of twoSiteOffice() (the demo's hash). */
export const TWO_SITE_PASSWORD = 'trygg-demo';

/** One user of `demo` per role (`<role>-demo`, admin is the demo's all-sites `admin`), and `manager-other` of site `other`. */
export const ROLE_USERS: Record<Role, string> = {
  employee: 'employee-demo', responder: 'kollega', security: 'security-demo', manager: 'manager', admin: 'admin',
};
export const OTHER_SITE_MANAGER = 'manager-other';

/**
 * The demo office plus a second office, `other`, with its own gateway, device, station, chain
 * and manager: for tests of what one site's people may do to the other's.
 */
export function twoSiteOffice(): TryggConfig {
  const config = loadConfigFile(DEMO_CONFIG);
  const demo = config.sites[0]!;
  const hash = config.users[0]!.passwordHash;
  config.sites.push({
    id: 'other', name: 'Annakontoret', zones: [{ id: 'o-front', name: 'Front' }],
    rooms: [{ id: 'o-room', name: 'Rom', zoneId: 'o-front' }],
    gateways: [{ id: 'other-gw', username: 'other-gw', passwordHash: demo.gateways[0]!.passwordHash }],
    devices: [{ id: 'other-button', type: 'panic-button', roomId: 'o-room', gatewayId: 'other-gw' }],
    stations: [{ id: 'other-desk', name: 'Skranke', zoneId: 'o-front', roomId: 'o-room' }],
    groups: [{ id: 'o-team', stations: ['other-desk'] }],
    chains: [{ id: 'o-chain', steps: [{ afterSeconds: 0, targets: [{ group: 'o-team' }] }] }],
    defaultChain: 'o-chain',
  });
  config.users.push(
    { username: 'employee-demo', name: 'Edel Ansatt', role: 'employee', sites: ['demo'], passwordHash: hash },
    { username: 'security-demo', name: 'Siv Tryggleik', role: 'security', sites: ['demo'], passwordHash: hash },
    { username: OTHER_SITE_MANAGER, name: 'Otto Utanfor', role: 'manager', sites: ['other'], passwordHash: hash },
    { username: 'responder-other', name: 'Rut Annan', role: 'responder', sites: ['other'], passwordHash: hash },
  );
  return config;
}

export async function loginAs(app: FastifyInstance, username: string, password = TWO_SITE_PASSWORD): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'trygg_session');
  if (!cookie) throw new Error('no session cookie');
  return `trygg_session=${cookie.value}`;
}

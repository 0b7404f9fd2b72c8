// What each role may do in the UI. The server enforces the same rules (server/src/routes); the
// UI only hides what a role cannot do.
import type { Role } from '../api/types';

const RANK: Record<Role, number> = { employee: 0, responder: 1, security: 2, manager: 3, admin: 4 };

export function atLeast(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[needed];
}

export const can = {
  /** Receive alarms on a console station (hello needs responder or above). */
  receiveAlarms: (role: Role | undefined) => atLeast(role, 'responder'),
  /** Alarm history, device status, coverage: security contact and above. */
  supervise: (role: Role | undefined) => atLeast(role, 'security'),
  /** Configuration pages, users, import/export, change history. */
  configure: (role: Role | undefined) => atLeast(role, 'manager'),
  /** Create and delete whole sites. */
  manageSites: (role: Role | undefined) => atLeast(role, 'admin'),
};

export const ROLES: readonly Role[] = ['employee', 'responder', 'security', 'manager', 'admin'];

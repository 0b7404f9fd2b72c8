// What each role may do in the UI. The server enforces the same rules (server/src/routes); the
// UI only hides what a role cannot do.
import type { Role } from '@trygg/protocol';

const RANK: Record<Role, number> = { employee: 0, responder: 1, security: 2, manager: 3, admin: 4 };

export function atLeast(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[needed];
}

export const can = {
  /**
   * Arm a console at a station. Employees get a passive one: evacuation banners ("I'm safe") and
   * the discreet panic button, but no alarm pop-ups (the server's hub marks them `passive`).
   */
  armConsole: (role: Role | undefined) => atLeast(role, 'employee'),
  /** Receive alarms on a console station (pop-ups, acknowledge, respond, resolve). */
  receiveAlarms: (role: Role | undefined) => atLeast(role, 'responder'),
  /** Alarm history, device status, coverage: security contact and above. */
  supervise: (role: Role | undefined) => atLeast(role, 'security'),
  /** Configuration pages, users, import/export, change history. */
  configure: (role: Role | undefined) => atLeast(role, 'manager'),
  /** Safety work every user has: write incident reports (own), register meetings, check a banned client. */
  report: (role: Role | undefined) => atLeast(role, 'employee'),
  /** See the standby notice of active elevated-risk meetings. */
  standBy: (role: Role | undefined) => atLeast(role, 'responder'),
  /**
   * Review and close incident reports, export them, edit the risk register and its measures,
   * plan drills and read statistics, keep the banned-clients register, start an evacuation.
   */
  followUp: (role: Role | undefined) => atLeast(role, 'security'),
  /** Audit trails: who read an incident report, who looked up a banned client. */
  readAudit: (role: Role | undefined) => atLeast(role, 'manager'),
  /** Create and delete whole sites. */
  manageSites: (role: Role | undefined) => atLeast(role, 'admin'),
};

export const ROLES: readonly Role[] = ['employee', 'responder', 'security', 'manager', 'admin'];

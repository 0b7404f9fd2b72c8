/**
 * The server's error catalogue. Every code is listed in docs/errors.md; errors.test.ts keeps the
 * two in step. HTTP answers carry `{ code, message }`.
 */
export const errorCatalogue = {
  TRYGG_SRV_CONFIG_INVALID: { status: 500, message: 'invalid configuration %s' },
  TRYGG_SRV_CONFIG_REJECTED: { status: 400, message: 'configuration change rejected: %s' },
  TRYGG_SRV_CONFIG_UNREADABLE: { status: 500, message: 'cannot read configuration %s' },
  TRYGG_SRV_CONFIG_FILE_IGNORED: { status: 500, message: '%s differs from the stored configuration (version %s), which runs: the file only seeds a new installation. To apply it, import it: console Configuration > Import and export, or PUT /api/v1/config with the file as application/yaml' },
  TRYGG_SRV_FLOOR_PLAN_TYPE: { status: 415, message: 'a floor plan must be a PNG, an SVG or a PDF; this is %s' },
  TRYGG_SRV_FLOOR_PLAN_TOO_LARGE: { status: 413, message: 'floor plan too large: %s (at most %s)' },
  TRYGG_SRV_FLOOR_PLAN_PDF: { status: 422, message: 'the first page of the PDF could not be made a floor plan: %s' },
  TRYGG_SRV_CONFIG_FALLBACK: { status: 500, message: 'stored configuration version %s failed at start (%s); running %s instead' },
  TRYGG_SRV_PORT_IN_USE: { status: 500, message: 'port %s is already in use; set %s to a free port' },
  TRYGG_SRV_BAD_REQUEST: { status: 400, message: 'bad request: %s' },
  TRYGG_SRV_PAYLOAD_TOO_LARGE: { status: 413, message: 'request body too large: %s' },
  TRYGG_SRV_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'unsupported content type: %s' },
  TRYGG_SRV_UNAUTHENTICATED: { status: 401, message: 'log in first' },
  TRYGG_SRV_BAD_CREDENTIALS: { status: 401, message: 'wrong username or password' },
  TRYGG_SRV_FORBIDDEN: { status: 403, message: 'your role may not %s' },
  TRYGG_SRV_NOT_FOUND: { status: 404, message: '%s not found' },
  TRYGG_SRV_ALARM_CLOSED: { status: 409, message: 'alarm %s is already %s' },
  TRYGG_SRV_INVALID_TRANSITION: { status: 409, message: 'alarm %s cannot go from %s to %s' },
  TRYGG_SRV_UNKNOWN_STATION: { status: 400, message: 'unknown console station %s' },
  TRYGG_SRV_STORE_MIGRATION: { status: 500, message: 'store migration %s failed' },
  TRYGG_SRV_STORE_TOO_NEW: { status: 500, message: 'store schema version %s is newer than this server knows (%s)' },
  TRYGG_SRV_BROKER_STORE_LOCKED: { status: 500, message: 'broker store %s is in use by another process; is another Trygg server running on the same TRYGG_DATA_DIR?' },
  TRYGG_SRV_BROKER_STORE_UNAVAILABLE: { status: 500, message: 'cannot open broker store %s: %s' },
  TRYGG_SRV_INTERNAL: { status: 500, message: 'internal error' },
  // Known passwords, TLS, user sessions (issue 10).
  TRYGG_SRV_KNOWN_PASSWORD: { status: 500, message: 'listening beyond loopback (%s) while these accounts still have a published demo password: %s; change them (console Settings, or a configuration with hashes from npm run hash-password) or keep HOST and MQTT_HOST on 127.0.0.1' },
  TRYGG_SRV_TLS_FILES: { status: 500, message: 'TLS settings: %s' },
  TRYGG_SRV_WRONG_PASSWORD: { status: 403, message: 'the current password is wrong' },
  TRYGG_SRV_WEAK_PASSWORD: { status: 400, message: 'new password refused: %s' },
  TRYGG_SRV_REASON_REQUIRED: { status: 400, message: 'a reason is required for %s' },
  TRYGG_SRV_INCIDENT_TRANSITION: { status: 409, message: 'incident report %s cannot go from %s to %s' },
  TRYGG_SRV_INCIDENT_LOCKED: { status: 409, message: 'incident report %s can no longer be changed: %s' },
  TRYGG_SRV_INCIDENT_INCOMPLETE: { status: 409, message: 'incident report %s cannot be reviewed without %s' },
  // Guessing, floods and cross-site requests (issue 10, abuse and browser hardening).
  TRYGG_SRV_LOGIN_LOCKED: { status: 429, message: 'too many failed logins; try again in %s seconds' },
  TRYGG_SRV_RATE_LIMITED: { status: 429, message: 'too many requests; try again in %s seconds' },
  TRYGG_SRV_CROSS_SITE: { status: 403, message: 'request from another site refused: %s' },
  // Roles that hold (issue 10).
  TRYGG_SRV_IMPORT_FORBIDDEN: { status: 403, message: 'this import changes what you may not change: %s' },
  // Privacy by default (issue 10).
  TRYGG_SRV_PERSON_ERASE_REFUSED: { status: 409, message: 'cannot erase %s: %s' },
  // Receiving stations that stay on guard (issue 12).
  TRYGG_SRV_STATION_NOT_ENROLLED: { status: 404, message: 'this browser is not enrolled as a console station' },
  TRYGG_SRV_STATION_REVOKED: { status: 403, message: 'the station credential of this browser was revoked (station %s)' },
  // One typed contract (issue 13).
  TRYGG_SRV_RESPONSE_CONTRACT: { status: 500, message: 'the answer of %s does not match its schema: %s' },
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

export class TryggError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;

  constructor(code: ErrorCode, args: (string | number)[] = [], options?: { cause?: unknown }) {
    let i = 0;
    super(errorCatalogue[code].message.replace(/%s/g, () => String(args[i++] ?? '')), options);
    this.name = 'TryggError';
    this.code = code;
    this.statusCode = errorCatalogue[code].status;
  }
}

export function tryggError(code: ErrorCode, ...args: (string | number)[]): TryggError {
  return new TryggError(code, args);
}

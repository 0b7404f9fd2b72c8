import type { AedesOptions, AuthenticateError, Client } from 'aedes';
import type { Clock } from '@trygg/protocol';
import { DEFAULT_ABUSE_SETTINGS } from '../security/abuse-settings';
import { LoginThrottle, type LockScope, type Refusal, type ThrottlePolicy } from '../security/login-throttle';
import type { RejectListener } from './broker-policy';

/**
 * Password guessing over MQTT: CONNECTs with a wrong password are counted per username, per
 * source address and per both, with the same growing lockouts as console logins
 * (security/login-throttle.ts). During a lockout a CONNECT is refused before its password is
 * checked (no scrypt for a flood), the right password included. A gateway or the server's own
 * connection that logged in before from its address is not locked out by guesses from elsewhere.
 */
export interface AuthFailureLimiter {
  check(username: string | undefined, address: string | undefined): Refusal | undefined;
  record(username: string | undefined, address: string | undefined, ok: boolean): void;
}

export function createAuthFailureLimiter(clock: Clock, policy: ThrottlePolicy = DEFAULT_ABUSE_SETTINGS.mqtt, onLockout?: (scope: LockScope) => void): AuthFailureLimiter {
  const throttle = new LoginThrottle(clock, policy);
  return {
    check: (username, address) => throttle.check(username || undefined, address),
    record(username, address, ok) {
      const account = username || undefined;
      if (ok) return throttle.succeeded(account, address);
      const before = throttle.check(account, address);
      throttle.failed(account, address);
      const after = throttle.check(account, address);
      if (after && !before) onLockout?.(after.scope);
    },
  };
}

type Hooks = Required<Pick<AedesOptions, 'authenticate'>>;

/** CONNACK return codes, MQTT 3.1.1 §3.2.2.3. */
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

/**
 * Wraps the broker policy's authenticate hook (broker-policy.ts) so its own logic stays as it
 * is: a locked CONNECT is refused before it, and its answer is recorded after it. Only a refusal
 * for the credentials counts as a failure (return code 4, or 5 without a username when anonymous
 * access is off); a device waiting for its gateway (3) or a client id held elsewhere (2) does not.
 */
export function limitAuthFailures<T extends Hooks>(
  hooks: T,
  limiter: AuthFailureLimiter,
  remoteAddressOf: (client: Client) => string | undefined,
  reject: RejectListener,
): T {
  return {
    ...hooks,
    authenticate(client, username, password, done) {
      const address = remoteAddressOf(client);
      const locked = limiter.check(username, address);
      if (locked) {
        reject('auth', { clientId: client.id, username, remoteAddress: address, cause: 'locked', scope: locked.scope, retryAfterMs: locked.retryAfterMs });
        const error = Object.assign(new Error('too many failed logins; try again later'), { returnCode: NOT_AUTHORIZED }) as AuthenticateError;
        return done(error, false);
      }
      hooks.authenticate(client, username, password, (error, success) => {
        const code = (error as AuthenticateError | null)?.returnCode;
        if (!error && success) limiter.record(username, address, true);
        else if (code === BAD_USERNAME_OR_PASSWORD || (code === NOT_AUTHORIZED && !username)) limiter.record(username, address, false);
        done(error, success);
      });
    },
  };
}

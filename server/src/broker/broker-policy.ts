import type { AedesOptions, AuthenticateError, Client, PublishPacket } from 'aedes';
import type { Logger } from 'pino';
import { mayPublish, maySubscribe, type BrokerPrincipal } from './acl';
import type { BrokerAuthenticator } from './broker-authenticator';
import { ClientIdOwners } from './client-id-owners';

/**
 * The aedes policy hooks (authenticate, authorizePublish, authorizeSubscribe, authorizeForward)
 * built from the authenticator and the ACL. The principal resolved at CONNECT is kept per client
 * object and consulted by every later hook.
 */
export type RejectReason = 'auth' | 'publish-denied' | 'subscribe-denied' | 'oversized';
export type RejectListener = (reason: RejectReason, detail: Record<string, unknown>) => void;

export interface BrokerPolicyDeps {
  authenticator: BrokerAuthenticator;
  logger: Logger;
  reject: RejectListener;
  remoteAddressOf(client: Client): string | undefined;
}

export interface BrokerPolicy {
  hooks: Required<Pick<AedesOptions, 'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>>;
  principalOf(client: Client): BrokerPrincipal | undefined;
  /** Call on aedes `clientDisconnect`. */
  released(client: Client): void;
}

type Will = NonNullable<Parameters<NonNullable<AedesOptions['preConnect']>>[1]['will']>;

/** CONNACK return codes, MQTT 3.1.1 §3.2.2.3. */
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

function refusal(returnCode: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

export function createBrokerPolicy({ authenticator, logger, reject, remoteAddressOf }: BrokerPolicyDeps): BrokerPolicy {
  const principals = new WeakMap<Client, BrokerPrincipal>();
  const wills = new WeakMap<Client, Will>();
  const owners = new ClientIdOwners<Client>();

  function describe(client: Client): Record<string, unknown> {
    const principal = principals.get(client);
    return { clientId: client.id, role: principal?.role, remoteAddress: remoteAddressOf(client) };
  }

  function admit(client: Client, username: string | undefined, principal: BrokerPrincipal | null): AuthenticateError | null {
    const detail = { clientId: client.id, username, remoteAddress: remoteAddressOf(client) };
    const will = wills.get(client);
    wills.delete(client);
    if (!principal) {
      reject('auth', { ...detail, cause: 'bad-credentials' });
      return username ? refusal(BAD_USERNAME_OR_PASSWORD, 'bad user name or password') : refusal(NOT_AUTHORIZED, 'not authorized');
    }
    // aedes stores the will right after authentication and would check it with authorizePublish
    // only when it fires; refusing here keeps a foreign-topic will from ever being stored.
    if (will && !mayPublish(principal, will.topic)) {
      reject('publish-denied', { ...detail, role: principal.role, topic: will.topic, will: true });
      return refusal(NOT_AUTHORIZED, 'will topic not authorized');
    }
    if (!owners.claim(client.id, `${principal.role}:${username ?? ''}`, client, !client.clean, principal.role === 'server')) {
      reject('auth', { ...detail, cause: 'client-id-held-by-another-account' });
      return refusal(IDENTIFIER_REJECTED, 'client id in use by another account');
    }
    principals.set(client, principal);
    return null;
  }

  const hooks: BrokerPolicy['hooks'] = {
    // preConnect is the only public hook that sees the CONNECT packet, hence the will.
    preConnect(client, packet, callback) {
      if (packet.will) wills.set(client, packet.will);
      callback(null, true);
    },

    authenticate(client, username, password, done) {
      authenticator.authenticate(username, password).then(
        (principal) => {
          const error = admit(client, username, principal);
          if (error) done(error, false);
          else done(null, true);
        },
        (err: unknown) => {
          logger.error({ err, clientId: client.id }, 'mqtt authentication failed unexpectedly');
          done(refusal(SERVER_UNAVAILABLE, 'server unavailable'), false);
        },
      );
    },

    authorizePublish(client, packet: PublishPacket, callback) {
      // null: the broker itself (a will of a connection that is gone). Wills were checked at CONNECT.
      if (!client) return callback(null);
      const principal = principals.get(client);
      if (principal && mayPublish(principal, packet.topic)) return callback(null);
      reject('publish-denied', { ...describe(client), topic: packet.topic });
      // MQTT 3.1.1 has no negative PUBACK: aedes closes the connection [MQTT-3.3.5-2].
      callback(new Error('publish not authorized'));
    },

    authorizeSubscribe(client, subscription, callback) {
      const principal = principals.get(client);
      if (principal && maySubscribe(principal, subscription.topic)) return callback(null, subscription);
      reject('subscribe-denied', { ...describe(client), topicFilter: subscription.topic });
      // A null subscription makes aedes answer 0x80 (Failure) for this filter in the SUBACK
      // (§3.9.3) and keep the connection; an error would drop the connection instead.
      callback(null, null);
    },

    // Last line before delivery (live, queued or retained): a message only reaches a client whose
    // principal could subscribe to its exact topic, whatever session state it inherited.
    authorizeForward(client, packet) {
      const principal = principals.get(client);
      return principal && maySubscribe(principal, packet.topic) ? packet : null;
    },
  };

  return {
    hooks,
    principalOf: (client) => principals.get(client),
    released: (client) => owners.release(client.id, client),
  };
}

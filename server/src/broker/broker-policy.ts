import type { AedesOptions, AuthenticateError, Client, PublishPacket } from 'aedes';
import type { Logger } from 'pino';
import { mayPublish, maySubscribe, type BrokerPrincipal } from './acl';
import type { BrokerAuthenticator } from './broker-authenticator';
import { ClientIdOwners } from './client-id-owners';
import { dropsQos0 } from './congested-subscriber';
import type { ConsumerGate } from './consumer-gate';

/**
 * The aedes policy hooks (authenticate, authorizePublish, authorizeSubscribe, authorizeForward)
 * built from the authenticator and the ACL. The principal resolved at CONNECT is kept per client
 * object and consulted by every later hook.
 */
export type RejectReason = 'auth' | 'publish-denied' | 'subscribe-denied' | 'oversized' | 'no-consumer' | 'rate-limited';
export type RejectListener = (reason: RejectReason, detail: Record<string, unknown>) => void;

export interface BrokerPolicyDeps {
  authenticator: BrokerAuthenticator;
  logger: Logger;
  reject: RejectListener;
  remoteAddressOf(client: Client): string | undefined;
  /** Device connections wait for their site's gateway consumer (none: not gated). */
  gate?: ConsumerGate<Client>;
  /** Which sites an anonymous (demo) device must find consumed: every site with a gateway. */
  gatewaySites?: () => readonly string[];
  /** Per device account PUBLISH limit (none: unlimited). */
  rateLimit?: { allow(account: string): boolean };
  /** A QoS 0 message was dropped for a subscriber too slow to take it (congested-subscriber.ts). */
  onCongestionDrop?(client: Client, topic: string): void;
  /** Transport checks after the password (mTLS: a gateway's certificate names its account); a string is the refusal's cause. */
  connectionRefusal?(client: Client, username: string | undefined, principal: BrokerPrincipal): string | undefined;
}

export interface BrokerPolicy {
  hooks: Required<Pick<AedesOptions, 'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>>;
  principalOf(client: Client): BrokerPrincipal | undefined;
  /** Call on aedes `clientDisconnect`. */
  released(client: Client): void;
  /** Call on aedes `subscribe` / `unsubscribe`: feeds the consumer gate. */
  subscribed(client: Client, subscriptions: { topic: string; qos: number }[]): void;
  unsubscribed(client: Client, filters: string[]): void;
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

/** Device accounts and anonymous demo devices: the clients that are gated and rate-limited. */
function isDevice(p: BrokerPrincipal): p is Extract<BrokerPrincipal, { role: 'device' | 'anonymous' }> {
  return p.role === 'device' || p.role === 'anonymous';
}

export function createBrokerPolicy({
  authenticator, logger, reject, remoteAddressOf, gate, gatewaySites, rateLimit, connectionRefusal, onCongestionDrop,
}: BrokerPolicyDeps): BrokerPolicy {
  const principals = new WeakMap<Client, BrokerPrincipal>();
  /** The account a device client's PUBLISH are counted against (its username; one bucket for anonymous). */
  const accounts = new WeakMap<Client, string>();
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
    if (isDevice(principal)) accounts.set(client, username || '(anonymous)');
    return null;
  }

  /** A device may connect once its site's gateway consumes device messages (persistent or live). */
  async function consumed(principal: BrokerPrincipal): Promise<boolean> {
    if (!gate || !isDevice(principal)) return true;
    if (principal.role === 'device') return gate.hasConsumer(principal.siteId, principal.deviceIds);
    for (const siteId of gatewaySites?.() ?? []) if (!(await gate.hasConsumer(siteId))) return false;
    return true;
  }

  async function decide(client: Client, username: string | undefined, password: Buffer | undefined): Promise<AuthenticateError | null> {
    const principal = await authenticator.authenticate(username, password);
    const transportRefusal = principal ? connectionRefusal?.(client, username, principal) : undefined;
    if (transportRefusal) {
      wills.delete(client);
      reject('auth', { clientId: client.id, username, role: principal?.role, remoteAddress: remoteAddressOf(client), cause: transportRefusal });
      return refusal(NOT_AUTHORIZED, transportRefusal);
    }
    if (principal && !(await consumed(principal))) {
      wills.delete(client);
      const siteId = principal.role === 'device' ? principal.siteId : undefined;
      reject('no-consumer', { clientId: client.id, username, role: principal.role, siteId, remoteAddress: remoteAddressOf(client) });
      // 3 = Server unavailable: clients retry, and by then the gateway has subscribed.
      return refusal(SERVER_UNAVAILABLE, 'no gateway is subscribed for this site yet');
    }
    return admit(client, username, principal);
  }

  const hooks: BrokerPolicy['hooks'] = {
    // preConnect is the only public hook that sees the CONNECT packet, hence the will.
    preConnect(client, packet, callback) {
      if (packet.will) wills.set(client, packet.will);
      callback(null, true);
    },

    authenticate(client, username, password, done) {
      decide(client, username, password).then(
        (error) => (error ? done(error, false) : done(null, true)),
        (err: unknown) => {
          wills.delete(client);
          logger.error({ err, clientId: client.id }, 'mqtt authentication failed unexpectedly');
          done(refusal(SERVER_UNAVAILABLE, 'server unavailable'), false);
        },
      );
    },

    authorizePublish(client, packet: PublishPacket, callback) {
      // null: the broker itself (a will of a connection that is gone). Wills were checked at CONNECT.
      if (!client) return callback(null);
      const principal = principals.get(client);
      if (principal && mayPublish(principal, packet.topic)) {
        const account = accounts.get(client);
        if (!rateLimit || account === undefined || rateLimit.allow(account)) return callback(null);
        reject('rate-limited', { ...describe(client), username: account, topic: packet.topic });
        // Dropping the connection is all MQTT 3.1.1 offers; an unacknowledged QoS 1 press is
        // sent again on reconnect, by which time the bucket has refilled.
        return callback(new Error('publish rate limit exceeded'));
      }
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
    // principal could subscribe to its exact topic, whatever session state it inherited. A QoS 0
    // message to a client that cannot keep up is dropped, so heartbeats never hold up a press.
    authorizeForward(client, packet) {
      const principal = principals.get(client);
      if (!principal || !maySubscribe(principal, packet.topic)) return null;
      if (dropsQos0(client, packet)) {
        onCongestionDrop?.(client, packet.topic);
        return null;
      }
      return packet;
    },
  };

  return {
    hooks,
    principalOf: (client) => principals.get(client),
    released: (client) => {
      owners.release(client.id, client);
      gate?.released(client);
    },
    subscribed: (client, subscriptions) => {
      if (principals.get(client)?.role === 'gateway') gate?.subscribed(client, client.clean, subscriptions);
    },
    unsubscribed: (client, filters) => gate?.unsubscribed(client, filters),
  };
}

import type { TLSSocket } from 'node:tls';
import type { BrokerPrincipal } from './acl';

/** The names a client certificate was issued to: subject CN and DNS / URI / e-mail SANs. */
export function certificateNames(socket: TLSSocket): string[] {
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return [];
  const cn = cert.subject?.CN;
  const names = Array.isArray(cn) ? [...cn] : cn ? [cn] : [];
  for (const entry of (cert.subjectaltname ?? '').split(',')) {
    const m = /^\s*(?:DNS|URI|email):(.+)$/.exec(entry);
    if (m) names.push(m[1]!.trim());
  }
  return names;
}

/** How a broker client reached us. */
export type ClientTransport =
  | { kind: 'tls'; socket: TLSSocket }
  /** The loopback port for the server's own accounts when MQTT_PORT speaks TLS. */
  | { kind: 'internal' }
  | { kind: 'plain' }
  | { kind: 'websocket' };

/**
 * mTLS for gateways (TRYGG_TLS_CA set): a gateway account logs in only over MQTTS with a
 * certificate that chains to the CA and names that account (subject CN or a SAN equal to its
 * username), so gw-a's certificate cannot log in as gw-b even with gw-b's password. Devices and
 * users keep password-only logins. The internal port takes the server's own accounts only.
 */
export function transportRefusal(opts: {
  transport: ClientTransport | undefined;
  username: string | undefined;
  principal: BrokerPrincipal;
  internalUsernames: ReadonlySet<string>;
  requireGatewayCertificates: boolean;
}): string | undefined {
  const { transport, username, principal } = opts;
  const internal = username !== undefined && opts.internalUsernames.has(username);
  if (transport?.kind === 'internal') return internal ? undefined : 'internal port is for the server\'s own accounts';
  if (!opts.requireGatewayCertificates || principal.role !== 'gateway' || internal) return undefined;
  if (transport?.kind !== 'tls') return 'gateway accounts need a client certificate (MQTTS on MQTT_PORT)';
  if (!transport.socket.authorized) return `client certificate not accepted (${String(transport.socket.authorizationError ?? 'none sent')})`;
  if (!certificateNames(transport.socket).includes(username ?? '')) return 'client certificate is not for this gateway account';
  return undefined;
}

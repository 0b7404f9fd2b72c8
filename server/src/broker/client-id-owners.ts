/**
 * Which identity (account) holds each MQTT client id. A new CONNECT with a client id already in
 * use takes the session over: the broker closes the old connection [MQTT-3.1.4-2] and, with
 * CleanSession 0, hands the new one the old session's queued messages [MQTT-3.1.2-4]. Without
 * this check any account could knock a gateway offline — or read its queued receipts — by
 * reusing its client id. Same-account takeovers (a gateway reconnecting) stay allowed.
 */
interface Holder {
  readonly closed: boolean;
}

interface Ownership<H extends Holder> {
  identity: string;
  holder: H;
  /** CleanSession 0: the session outlives the connection, so the ownership does too. */
  persistent: boolean;
}

export class ClientIdOwners<H extends Holder> {
  private readonly owners = new Map<string, Ownership<H>>();

  /**
   * Records `identity` as owner of `clientId` unless another identity holds it; `privileged`
   * (the Trygg server) always wins, so no device can squat the server's own client id.
   */
  claim(clientId: string, identity: string, holder: H, persistent: boolean, privileged = false): boolean {
    const current = this.owners.get(clientId);
    // A closed, non-persistent holder is a leftover from a CONNECT that failed after authentication.
    const free = !current || current.identity === identity || (!current.persistent && current.holder.closed);
    if (!free && !privileged) return false;
    this.owners.set(clientId, { identity, holder, persistent });
    return true;
  }

  /** On disconnect; a holder that was already taken over by a newer connection changes nothing. */
  release(clientId: string, holder: H): void {
    const current = this.owners.get(clientId);
    if (current && current.holder === holder && !current.persistent) this.owners.delete(clientId);
  }

  get size(): number {
    return this.owners.size;
  }
}

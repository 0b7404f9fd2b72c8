import type { ArcProtocol } from './config';
import type { Exchange } from './exchange';
import { tcpExchange } from './tcp-exchange';
import { udpExchange } from './udp-exchange';

/** Transport by protocol: each a small builder of one request/answer exchange. */
export const exchanges: Readonly<Record<ArcProtocol, Exchange>> = { tcp: tcpExchange, udp: udpExchange };

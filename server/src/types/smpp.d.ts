/**
 * The part of the `smpp` package (node-smpp, untyped) that Trygg uses: sessions, PDUs and the
 * GSM 03.38 tables.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer } from 'node:net';

  export interface PDU {
    command: string;
    command_status: number;
    sequence_number: number;
    [field: string]: any;
    response(options?: Record<string, unknown>): PDU;
    isResponse(): boolean;
  }

  export interface Session extends EventEmitter {
    closed: boolean;
    send(pdu: PDU, responseCallback?: (pdu: PDU) => void): boolean;
    pause(): void;
    resume(): void;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    bind_transceiver(options: Record<string, unknown>, callback?: (pdu: PDU) => void): boolean;
    submit_sm(options: Record<string, unknown>, callback?: (pdu: PDU) => void): boolean;
    deliver_sm(options: Record<string, unknown>, callback?: (pdu: PDU) => void): boolean;
    enquire_link(options?: Record<string, unknown> | ((pdu: PDU) => void), callback?: (pdu: PDU) => void): boolean;
    unbind(options?: Record<string, unknown> | ((pdu: PDU) => void), callback?: (pdu: PDU) => void): boolean;
  }

  export interface Server extends NetServer {
    sessions: Session[];
  }

  export function connect(options: Record<string, unknown>, listener?: (session: Session) => void): Session;
  export function createServer(options: Record<string, unknown>, listener: (session: Session) => void): Server;

  export const encodings: {
    ASCII: { match(value: string): boolean; encode(value: string): Buffer; decode(value: Buffer): string };
  };
  export const gsmCoder: {
    encode(value: string, shift: number): Buffer;
    decode(value: Buffer | Uint8Array, shift: number): string;
  };
  export function addTLV(tag: string, options: { id: number; type: unknown }): void;
  export const types: { tlv: { cstring: unknown; int8: unknown; int16: unknown } };
  export const ESME_ROK: number;
  export const ESME_RTHROTTLED: number;
  export const ESME_RMSGQFUL: number;
  export const ESME_RBINDFAIL: number;
  export const ESME_RINVDSTADR: number;
  export const ESME_RSYSERR: number;
  export const ESME_RSUBMITFAIL: number;
  export const ESME_RINVPASWD: number;
}

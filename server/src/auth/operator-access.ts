import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * Who may read `/metrics` and the details of `/readyz`: these tell an attacker when nobody would
 * answer an alarm (`trygg_console_stations_online 0`). With `TRYGG_METRICS_TOKEN` set, a caller
 * must send `Authorization: Bearer <token>`; without it, only callers on this machine (loopback)
 * that did not come through a proxy (no X-Forwarded-For / Forwarded header) may.
 */
export interface OperatorAccess {
  token?: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

const digest = (s: string) => createHash('sha256').update(s).digest();

export function isOperator(request: FastifyRequest, access: OperatorAccess): boolean {
  if (access.token) {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    // Compared as digests: equal length, constant time, whatever was sent.
    return given.length > 0 && timingSafeEqual(digest(given), digest(access.token));
  }
  const proxied = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
  return !proxied && LOOPBACK.test(request.socket.remoteAddress ?? '');
}

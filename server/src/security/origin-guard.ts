import type { FastifyRequest } from 'fastify';
import { TryggError } from '../errors';

/**
 * Cross-site request forgery: a page on another origin (another port of the same host counts, and
 * SameSite=Strict does not cover it: same-site is not same-origin) can make a logged-in browser
 * POST a form to the console's API. Every state-changing request must therefore come from the
 * console's own origin (its Host, or one listed in TRYGG_PUBLIC_ORIGIN for a TLS proxy), and
 * never with a content type a plain HTML form can send.
 *
 * Browsers send `Origin` on every POST/PUT/PATCH/DELETE (a cross-origin one without exception);
 * Referer is the fallback. A request with neither is not a browser's cross-site request (curl,
 * scripts, gateways) and is let through: the forgery this stops needs a browser.
 */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** What `<form enctype>` can send: the "simple" content types of CORS. */
const FORM_TYPES = new Set(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);
/** Routes that authenticate otherwise: provider callbacks carry an HMAC of their body. */
const EXEMPT = /^\/api\/v1\/providers\/[^/?]+\/(?:replies|receipts)(?:\?|$)/;

export function originGuard(opts: { publicOrigins: readonly string[]; exempt?: RegExp[] }) {
  const allowed = new Set(opts.publicOrigins);
  const exempt = [EXEMPT, ...(opts.exempt ?? [])];

  const sameOrigin = (value: string, host: string | undefined): boolean => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return false;
    }
    // Host carries the port: http://host:8081 is not http://host:8080.
    return (host !== undefined && url.host === host.toLowerCase()) || allowed.has(url.origin);
  };

  return async (request: FastifyRequest): Promise<void> => {
    if (!STATE_CHANGING.has(request.method) || exempt.some((re) => re.test(request.url))) return;
    const origin = request.headers.origin;
    const referer = request.headers.referer;
    const host = request.headers.host;
    // `Origin: null` (sandboxed frames, a no-referrer page's form) never matches.
    if (origin !== undefined && !sameOrigin(origin, host)) throw new TryggError('TRYGG_SRV_CROSS_SITE', [`Origin ${origin.slice(0, 100)}`]);
    if (origin === undefined && referer !== undefined && !sameOrigin(referer, host)) throw new TryggError('TRYGG_SRV_CROSS_SITE', ['Referer of another origin']);
    const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type && FORM_TYPES.has(type)) throw new TryggError('TRYGG_SRV_CROSS_SITE', [`content type ${type} (the API reads application/json)`]);
  };
}

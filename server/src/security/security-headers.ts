import fastifyHelmet from '@fastify/helmet';
import { securityApi } from '@trygg/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { TryggError } from '../errors';
import type { Metrics } from '../metrics/metrics';

/** Where browsers send Content Security Policy violation reports (report-uri; report-to's format is read too). */
export const CSP_REPORT_PATH = '/api/v1/csp-reports';
const REPORT_TYPES = ['application/csp-report', 'application/reports+json'];
/** Directive names are a short fixed vocabulary; anything else is one label, not a new series. */
const DIRECTIVE = /^[a-z-]{1,40}$/;

/**
 * Security headers on every answer (@fastify/helmet). The console (Vite build, Preact) loads
 * one module script and one stylesheet from 'self' and sets styles only through the CSSOM
 * (element.style), which CSP does not restrict; so no 'unsafe-inline' and no hashes are needed.
 * The console's WebSocket goes to its own host (ws: or wss:); older browsers do not let 'self'
 * cover ws:, hence the explicit origin from Host.
 */
export async function securityHeaders(app: FastifyInstance, opts: { metrics: Metrics; reportsPerMinute: number }): Promise<void> {
  const wsOrigin = (req: IncomingMessage) => {
    const host = req.headers.host ?? '';
    // Host goes into a header: only a plain host[:port] is echoed.
    if (!/^[a-z0-9.[\]:-]{1,255}$/i.test(host)) return "'self'";
    const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
    return `${secure ? 'wss' : 'ws'}://${host}`;
  };
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", (req) => wsOrigin(req)],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // report-uri only: with report-to present Chromium ignores report-uri and sends reports
        // through the Reporting API in batches up to a minute later. The endpoint reads both formats.
        reportUri: [CSP_REPORT_PATH],
      },
    },
    // HSTS pins a host to HTTPS for months; an office server often starts on plain HTTP or with a
    // certificate that is replaced: an operator sets it at the TLS proxy when they mean it.
    strictTransportSecurity: false,
    // Nothing cross-origin is embedded; COEP would only add a way to break a floor plan image.
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
  await app.register(async (scope) => {
    const perAddress = app.createRateLimit({ max: opts.reportsPerMinute, timeWindow: 60_000 });
    scope.addContentTypeParser(REPORT_TYPES, { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new TryggError('TRYGG_SRV_BAD_REQUEST', ['a CSP report must be JSON']), undefined);
      }
    });
    scope.post(CSP_REPORT_PATH, { schema: securityApi.cspReport }, async (request: FastifyRequest, reply) => {
      const limit = await perAddress(request);
      if (!limit.isAllowed && limit.isExceeded) {
        reply.header('retry-after', String(Math.max(1, Math.ceil(limit.ttl / 1000))));
        throw new TryggError('TRYGG_SRV_RATE_LIMITED', [Math.max(1, Math.ceil(limit.ttl / 1000))]);
      }
      for (const report of violations(request.body)) {
        const directive = DIRECTIVE.test(report.directive) ? report.directive : 'other';
        opts.metrics.cspViolations.inc({ directive });
        request.log.warn({ directive, blocked: report.blocked.slice(0, 200), page: report.page.slice(0, 200), remoteAddress: request.ip }, 'content security policy violation');
      }
      return reply.code(204).send();
    });
  });
}

interface Violation {
  directive: string;
  blocked: string;
  page: string;
}

/** Reads both report formats: report-uri's `{ "csp-report": {...} }` and report-to's `[{ type, body }]`. */
function violations(body: unknown): Violation[] {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const one = (r: Record<string, unknown>): Violation => ({
    directive: str(r['effective-directive'] ?? r.effectiveDirective ?? r['violated-directive']).split(' ')[0] ?? '',
    blocked: str(r['blocked-uri'] ?? r.blockedURL),
    page: str(r['document-uri'] ?? r.documentURL),
  });
  if (Array.isArray(body)) {
    return body.slice(0, 20).flatMap((r: unknown) => {
      const report = r as { type?: unknown; body?: unknown };
      return report?.type === 'csp-violation' && report.body && typeof report.body === 'object' ? [one(report.body as Record<string, unknown>)] : [];
    });
  }
  const legacy = (body as { 'csp-report'?: unknown } | null)?.['csp-report'];
  return legacy && typeof legacy === 'object' ? [one(legacy as Record<string, unknown>)] : [];
}

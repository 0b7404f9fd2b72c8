import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { OpenApiDocument, answers } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import { accessRuleFor, type AccessRule } from '../auth/route-access';

/** Where the interactive reference is served (linked from the console's help). */
export const API_REFERENCE_PATH = '/api/docs';
export const OPENAPI_PATH = '/api/v1/openapi.json';
const SESSION_SCHEME = 'session';

/** Who may call a route, in words, from the one authorisation table. */
function whoMay(rule: AccessRule | undefined): string {
  if (!rule) return 'no access rule';
  if (rule.who === 'anyone') return `No session needed: ${rule.why}.`;
  if (rule.who === 'operator') return 'Operators (TRYGG_METRICS_TOKEN).';
  if (rule.who === 'session') return 'Any logged-in user.';
  return `Role \`${rule.who}\` or above; sites: ${rule.site}.`;
}

/**
 * Registers @fastify/swagger (dynamic: the document is built from the routes' schemas in
 * protocol/src/api/) before any route, serves it at `GET /api/v1/openapi.json` and the
 * interactive reference (Swagger UI) at `/api/docs`. Only `/api/v1` routes are in the document:
 * the console's files, health and monitoring are not part of the API contract. Each operation
 * says who may call it, from auth/route-access.ts, the table that enforces it.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Trygg REST API',
        version: '1',
        description: 'Panic alarm and office safety. Log in with `POST /api/v1/session`; the session cookie authenticates every other call. '
          + 'Errors answer `{ code, message }` with a `TRYGG_SRV_*` code (docs/errors.md).',
      },
      components: { securitySchemes: { [SESSION_SCHEME]: { type: 'apiKey', in: 'cookie', name: 'trygg_session' } } },
    },
    transform: ({ schema, url, route }) => {
      const method = [route.method].flat()[0] ?? 'GET';
      // WebSocket routes are messages, not REST: docs/protocol.md describes them.
      if (!url.startsWith('/api/v1/') || (route as { websocket?: boolean }).websocket) return { schema: { ...schema, hide: true }, url };
      const rule = accessRuleFor(method, url);
      const open = rule?.who === 'anyone';
      return {
        schema: { ...schema, description: [schema?.description, whoMay(rule)].filter(Boolean).join(' '), ...(open ? { security: [] } : { security: [{ [SESSION_SCHEME]: [] }] }) },
        url,
      };
    },
  });
  // Swagger UI loads only its own files from 'self', so the server's CSP holds for its scripts.
  // It injects one <style> element, though: on its pages only (no site data there), inline styles
  // are allowed; scripts stay 'self' only.
  await app.register(fastifySwaggerUi, {
    routePrefix: API_REFERENCE_PATH, uiConfig: { deepLinking: true }, staticCSP: false,
    transformStaticCSP: (header) => header.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  });
  app.get(OPENAPI_PATH, { schema: { tags: ['reference'], summary: 'This OpenAPI document', response: answers({ 200: OpenApiDocument }) } }, async () => app.swagger());
}

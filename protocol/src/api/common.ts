import { Type, type Static, type TSchema } from 'typebox';

/**
 * Pieces every REST route's contract uses. Each route's schema (params, querystring, body and
 * the answers for every status it sends) lives in this folder; the server wires them into its
 * routes, fastify validates requests and answers with them, and @fastify/swagger builds the
 * OpenAPI document (`GET /api/v1/openapi.json`) from them. Types are derived with `Static`, so
 * a shape is written once.
 */

/** Ids of sites, rooms, devices, alarms ... as the routes accept them. */
export const Id = Type.String({ pattern: '^[a-z0-9-]{1,64}$' });
/** A site id in a path: any short string; a site that is not the user's answers 404. */
export const SiteId = Type.String({ maxLength: 64 });
export const Username = Type.String({ maxLength: 64 });
/** ISO 8601 times in answers (`new Date(...).toISOString()`). */
export const IsoTime = Type.String({ format: 'date-time' });
export const Bilingual = Type.Object({ nb: Type.String(), en: Type.String() }, { additionalProperties: false });
export type Bilingual = Static<typeof Bilingual>;
/** Texts of the report's catalogues: Nynorsk as the report writes them, with English. */
export const NnEn = Type.Object({ nn: Type.String(), en: Type.String() }, { additionalProperties: false });
export type NnEn = Static<typeof NnEn>;
/** Where in the NAV Hordaland report a text or value comes from. */
export const Citation = Type.Object({ section: Type.String(), table: Type.Optional(Type.String()), row: Type.Optional(Type.Integer()) }, { additionalProperties: false });
export const Role = Type.Enum(['employee', 'responder', 'security', 'manager', 'admin']);
export type Role = Static<typeof Role>;
export const Language = Type.Enum(['nb', 'en']);
export type Language = Static<typeof Language>;
/** `string | null`, the way answers say "not set". */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * Every refused or failed request answers this (server/src/errors.ts, docs/errors.md): a
 * `TRYGG_SRV_*` code and a message; configuration changes add every problem found.
 */
export const ErrorBody = Type.Object({
  code: Type.String({ pattern: '^TRYGG_[A-Z0-9_]+$' }),
  message: Type.String(),
  problems: Type.Optional(Type.Array(Type.String())),
}, { additionalProperties: false, description: 'A coded error (docs/errors.md)' });
export type ErrorBody = Static<typeof ErrorBody>;

/** The coded error answers every route may give (authorisation, validation, limits, failures). */
export const ERROR_RESPONSES = { '4xx': ErrorBody, '5xx': ErrorBody } as const;

/** A route's answers: the given ones and the coded errors. */
export function answers<const R extends Record<string, TSchema>>(responses: R): R & typeof ERROR_RESPONSES {
  return { ...responses, ...ERROR_RESPONSES };
}

export const Ok = Type.Object({ ok: Type.Literal(true) }, { additionalProperties: false });
/** No content (204). */
export const NoContent = Type.Null({ description: 'No content' });
/** An empty body where a POST takes none: nothing, `{}` or `null`. */
export const NoBody = Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]);
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;
export const SiteParams = Type.Object({ siteId: SiteId }, { additionalProperties: false });
export type SiteParams = Static<typeof SiteParams>;

/** The OpenAPI document itself: an object whose shape OpenAPI 3.1 defines (checked by a validator in the tests). */
export const OpenApiDocument = Type.Object({ openapi: Type.String(), info: Type.Object({}, { additionalProperties: true }), paths: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: true });

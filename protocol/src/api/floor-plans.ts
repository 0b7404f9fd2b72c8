import { Type } from 'typebox';
import { answers, Ok, SiteId } from './common';

/** Floor plans uploaded in the console (server/src/floor-plans/). */
const FloorParams = Type.Object({ siteId: SiteId, floor: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,20}$' }) }, { additionalProperties: false });
const FileParams = Type.Object({ file: Type.String({ pattern: '^[0-9a-f]{64}\\.(png|svg)$' }) }, { additionalProperties: false });
const Version = Type.Integer({ description: 'The configuration version that made the change' });
const Image = Type.String({ description: 'The image, as uploaded (SVG) or made (PNG)' });

const tags = ['floor plans'];
export const floorPlanApi = {
  upload: {
    tags, summary: 'Upload a floor\'s plan: the body is the file itself (PNG, SVG, or a PDF whose first page becomes a PNG; 8 MiB at most)',
    params: FloorParams,
    response: answers({
      201: Type.Object({
        floorPlan: Type.Object({ floor: Type.String(), image: Type.String() }, { additionalProperties: false }),
        converted: Type.Optional(Type.String()), version: Version,
      }, { additionalProperties: false }),
    }),
  },
  remove: {
    tags, summary: 'Remove a floor\'s plan', params: FloorParams,
    response: answers({ 200: Type.Object({ ok: Ok.properties.ok, version: Version }, { additionalProperties: false }) }),
  },
  image: {
    tags, summary: 'A plan\'s image, to the users of its site (served under a sandboxing CSP)', params: FileParams,
    response: answers({ 200: { description: 'The image', content: { 'image/png': { schema: Image }, 'image/svg+xml': { schema: Image } } } }),
  },
} as const;

import { TryggError } from '../errors';

/** An uploaded plan may be this large (the PDF, before its first page is rendered). */
export const MAX_FLOOR_PLAN_BYTES = 8 * 1024 * 1024;
/** A PNG wider or taller than this would make every console decode a huge bitmap for a pop-up. */
export const MAX_FLOOR_PLAN_PIXELS = 10_000;

export type FloorPlanKind = 'png' | 'svg' | 'pdf';

export const FLOOR_PLAN_CONTENT_TYPES: Record<'png' | 'svg', string> = { png: 'image/png', svg: 'image/svg+xml' };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * What an upload is, by its first bytes, never by its name or Content-Type: PNG by its 8-byte
 * signature (and a sane IHDR size), PDF by `%PDF-`, SVG as UTF-8 XML whose root element is
 * `<svg`. Anything else is TRYGG_SRV_FLOOR_PLAN_TYPE; over MAX_FLOOR_PLAN_BYTES,
 * TRYGG_SRV_FLOOR_PLAN_TOO_LARGE.
 */
export function floorPlanKind(bytes: Buffer): FloorPlanKind {
  if (bytes.byteLength > MAX_FLOOR_PLAN_BYTES) throw tooLarge(bytes.byteLength);
  if (bytes.byteLength >= 24 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    // IHDR is always the first chunk: width and height are its first two 32-bit fields.
    if (bytes.toString('latin1', 12, 16) !== 'IHDR') throw wrongType('a PNG signature without an IHDR chunk');
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    if (width === 0 || height === 0 || width > MAX_FLOOR_PLAN_PIXELS || height > MAX_FLOOR_PLAN_PIXELS) {
      throw wrongType(`a PNG of ${width} x ${height} pixels (at most ${MAX_FLOOR_PLAN_PIXELS} on each side)`);
    }
    return 'png';
  }
  if (bytes.toString('latin1', 0, 5) === '%PDF-') return 'pdf';
  if (isSvg(bytes)) return 'svg';
  return wrongType(describe(bytes));
}

export function tooLarge(size: number): TryggError {
  return new TryggError('TRYGG_SRV_FLOOR_PLAN_TOO_LARGE', [`${(size / 1024 / 1024).toFixed(1)} MiB`, `${MAX_FLOOR_PLAN_BYTES / 1024 / 1024} MiB`]);
}

function wrongType(what: string): never {
  throw new TryggError('TRYGG_SRV_FLOOR_PLAN_TYPE', [what]);
}

/**
 * The prolog an SVG file may start with (BOM, XML declaration, comments, a DOCTYPE without an
 * internal subset), then the root element. An internal subset (`<!DOCTYPE svg [ <!ENTITY ...`)
 * is refused: entity expansion has no place in a floor plan.
 */
function isSvg(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4096).toString('utf8').replace(/^\uFEFF/, '');
  if (head.includes('\uFFFD')) return false;
  const prolog = /^\s*(<\?xml[^>]{0,200}\?>\s*)?((<!--[\s\S]{0,2000}?-->|<!DOCTYPE\s+svg[^[>]{0,300}>)\s*)*<svg[\s>]/;
  return prolog.test(head);
}

function describe(bytes: Buffer): string {
  if (bytes.byteLength === 0) return 'an empty file';
  const start = bytes.subarray(0, 4);
  if (start[0] === 0xff && start[1] === 0xd8) return 'a JPEG (convert it to PNG)';
  if (start.toString('latin1', 0, 4) === 'GIF8') return 'a GIF (convert it to PNG)';
  if (bytes.subarray(0, 1024).toString('latin1').includes('<!ENTITY')) return 'an SVG with entity declarations';
  return `a file starting with bytes ${start.toString('hex')}`;
}

/** Small floor plan files for upload tests (server and browser). */
/** A 1x1 PNG. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
/** A one-page PDF, 200 x 100 points, with a filled rectangle. */
export const TINY_PDF = Buffer.from([
  '%PDF-1.4',
  '1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj',
  '2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj',
  '3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]/Contents 4 0 R>> endobj',
  '4 0 obj <</Length 26>> stream\n0 0 1 rg 20 20 160 60 re f\nendstream endobj',
  'trailer <</Root 1 0 R>>',
  '%%EOF',
].join('\n'));

import { spawn } from 'node:child_process';
import { TryggError } from '../errors';

/** The rendered page's longer side, in pixels: sharp on a 1920 px screen, small enough to send to every console. */
export const PDF_RENDER_PIXELS = 2000;
const RENDER_TIMEOUT_MS = 20_000;
const MAX_RENDERED_BYTES = 20 * 1024 * 1024;

/**
 * Renders the first page of a PDF to PNG with `pdftoppm` (poppler-utils, a Debian package: the
 * one renderer here that needs no browser canvas or native npm build). The PDF goes in on stdin
 * and the PNG comes out on stdout, so nothing touches the disk; a renderer that hangs is killed.
 */
export function renderPdfFirstPage(pdf: Buffer, command = 'pdftoppm'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new TryggError('TRYGG_SRV_FLOOR_PLAN_PDF', [why]));
    const child = spawn(command, ['-png', '-f', '1', '-l', '1', '-singlefile', '-scale-to', String(PDF_RENDER_PIXELS), '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let size = 0;
    let errors = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(`rendering took longer than ${RENDER_TIMEOUT_MS / 1000} s`);
    }, RENDER_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_RENDERED_BYTES) {
        child.kill('SIGKILL');
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => { errors = (errors + chunk.toString('utf8')).slice(-500); });
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(err.code === 'ENOENT' ? `${command} is not installed (Debian package poppler-utils)` : err.message);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (size > MAX_RENDERED_BYTES) return fail(`the rendered page is over ${MAX_RENDERED_BYTES / 1024 / 1024} MiB`);
      const png = Buffer.concat(out);
      if (code !== 0 || png.byteLength === 0) return fail(`not a readable PDF (${errors.trim().split('\n').at(-1) ?? `exit ${code}`})`);
      resolve(png);
    });
    // A renderer that quits early closes stdin: that is its answer, not a crash of ours.
    child.stdin.on('error', () => {});
    child.stdin.end(pdf);
  });
}

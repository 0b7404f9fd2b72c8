import { fileURLToPath } from 'node:url';

/**
 * Folder of the built console (`npm run build -w alarm-console`, run by the root `prestart` and
 * `pretest`), for the server to serve as static files.
 */
export const consoleDistDir: string = fileURLToPath(new URL('../dist/', import.meta.url));
/** @deprecated the console is built now; same as consoleDistDir. */
export const consolePublicDir: string = consoleDistDir;

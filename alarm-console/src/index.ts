import { fileURLToPath } from 'node:url';

/**
 * Folder of the static console page (index.html, console.js, ...), for the server to serve as
 * static files. No build step yet: the files are served as they are.
 */
export const consolePublicDir: string = fileURLToPath(new URL('../public/', import.meta.url));

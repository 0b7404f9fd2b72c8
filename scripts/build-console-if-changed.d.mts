/** Types of build-console-if-changed.mjs (for its test). */
export function consoleSourceHash(base?: string): string;
export function consoleNeedsBuild(base?: string): boolean;

/** The server's public face: what runs it from the environment (`npm start`). */
export { DEMO_CONFIG, readEnvironment, type Environment } from './environment';
export { exitOnStartupError, runFromEnvironment, type Companion, type CompanionStarter, type StartedServer } from './run-from-environment';
export type { RunningTrygg } from './server';

import { exitOnStartupError, runFromEnvironment } from './run-from-environment';

/**
 * The server alone on the environment's settings. `npm start` runs scripts/start.ts, which adds
 * the demo office's simulated buttons when the demo configuration is in use; the server itself
 * never loads the simulator.
 */
runFromEnvironment().catch(exitOnStartupError);

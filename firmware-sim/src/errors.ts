/**
 * Coded errors of the simulator. The CLI prints `message` as its one line; codes let scripts and
 * tests tell an unreachable broker from refused credentials.
 */
export type SimulatorErrorCode =
  | 'TRYGG_SIM_BROKER_UNREACHABLE'
  | 'TRYGG_SIM_CREDENTIALS_REFUSED'
  | 'TRYGG_SIM_CONNECT_FAILED'
  | 'TRYGG_SIM_CONFIG'
  | 'TRYGG_SIM_CLOSED'
  /** A reliable press or cancel got no confirmation within its `giveUpMs`. */
  | 'TRYGG_SIM_NOT_CONFIRMED';

export class SimulatorError extends Error {
  override readonly name = 'SimulatorError';
  constructor(
    readonly code: SimulatorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

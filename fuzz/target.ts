import type { Rng } from './rng';

/**
 * One parser (or a parser family fed the same input) under fuzz. `run` calls the real code; it
 * returns normally for accepted input and for the parser's typed rejections (result objects),
 * and throws for anything else. `isTypedError` says which thrown errors are the parser's coded
 * errors (e.g. the configuration's ConfigError); any other throw is a finding.
 */
export interface FuzzTarget {
  name: string;
  /** Real-shaped inputs to mutate (fixtures, frames built by the encoders). */
  seeds: Uint8Array[];
  /** Tokens of the format, spliced into inputs. */
  dictionary: string[];
  /** Structured seeds mutated as values (JSON/YAML documents), then encoded to input bytes. */
  structured?: { values: unknown[]; encode(value: unknown, rng: Rng): Uint8Array };
  run(input: Uint8Array): void;
  isTypedError(err: unknown): boolean;
}

/**
 * Thrown by a target when the parser accepted an input but what it produced breaks the
 * parser's own contract (e.g. a decoded serial event that fails the DeviceMessage schema).
 */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

export function bytes(text: string, encoding: BufferEncoding = 'utf8'): Uint8Array {
  return new Uint8Array(Buffer.from(text, encoding));
}

export function text(input: Uint8Array, encoding: BufferEncoding = 'utf8'): string {
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString(encoding);
}

import type { Rng } from './rng';
import type { FuzzTarget } from './target';

/**
 * Input generation: fully random bytes, token soup from the format's dictionary, byte-level
 * mutations of a seed (flips, inserts, deletes, repeats, splices, boundary numbers), and, for
 * structured formats, value-level mutations of a parsed seed (wrong types, extremes, deep
 * nesting, missing and extra keys) so inputs get past the syntax into the validators.
 */
export function generate(rng: Rng, target: FuzzTarget): Uint8Array {
  const input = generateAny(rng, target);
  return input.length > MAX_INPUT_BYTES ? input.subarray(0, MAX_INPUT_BYTES) : input;
}

/**
 * Inputs are cut at 64 KiB: above every payload limit of the protocol (so those limits get
 * tested) and far above a real configuration file, while keeping "no input over 100 ms" about
 * pathological content rather than sheer size.
 */
export const MAX_INPUT_BYTES = 64 * 1024;

function generateAny(rng: Rng, target: FuzzTarget): Uint8Array {
  const roll = rng.next();
  if (roll < 0.08 || target.seeds.length === 0) return rng.bytes(rng.int(rng.bool(0.95) ? 96 : 2048));
  if (roll < 0.16) return tokenSoup(rng, target.dictionary);
  if (target.structured && roll < 0.58) {
    const value = mutateValue(rng, structuredClone(rng.pick(target.structured.values)), 1 + rng.int(4));
    let encoded: Uint8Array;
    try {
      encoded = target.structured.encode(value, rng);
    } catch {
      // An encoder can give up on a value (YAML's stringify on 1,000 levels): mutate bytes instead.
      return mutateBytes(rng, rng.pick(target.seeds), target);
    }
    return rng.bool(0.2) ? mutateBytes(rng, encoded, target) : encoded;
  }
  return mutateBytes(rng, rng.pick(target.seeds), target);
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x0d, 0x24, 0x2a, 0x2c, 0x22, 0x5b, 0x5d, 0x7b, 0x7d, 0x3a, 0x2d, 0x2b, 0x20];
const INTERESTING_NUMBERS = ['0', '-1', '-0', '1e308', '1e-308', '9999999999', '4294967295', '4294967296', '9007199254740993', 'NaN', 'Infinity', '0x10', '00', '1.5', '99999999999999999999999'];

function tokenSoup(rng: Rng, dictionary: string[]): Uint8Array {
  const parts: string[] = [];
  const count = 1 + rng.int(24);
  for (let i = 0; i < count; i++) parts.push(rng.bool(0.8) && dictionary.length ? rng.pick(dictionary) : rng.pick(INTERESTING_NUMBERS));
  return new Uint8Array(Buffer.from(parts.join(rng.bool() ? '' : rng.pick([',', ' ', '/', '|', ':', '\n'])), 'utf8'));
}

export function mutateBytes(rng: Rng, seed: Uint8Array, target: FuzzTarget): Uint8Array {
  let data = Array.from(seed);
  const ops = 1 + rng.int(rng.bool(0.8) ? 3 : 12);
  for (let op = 0; op < ops; op++) {
    const at = rng.int(data.length + 1);
    switch (rng.int(11)) {
      case 0: // flip a bit
        if (data.length) data[at % data.length]! ^= 1 << rng.int(8);
        break;
      case 1: // a random byte
        if (data.length) data[at % data.length] = rng.int(256);
        break;
      case 2: // a byte that means something in some format
        if (data.length) data[at % data.length] = rng.pick(INTERESTING_BYTES);
        break;
      case 3: // insert random bytes
        data.splice(at, 0, ...rng.bytes(1 + rng.int(8)));
        break;
      case 4: // delete a range
        data.splice(at, 1 + rng.int(Math.max(1, data.length >> 2)));
        break;
      case 5: { // duplicate a range
        const len = 1 + rng.int(16);
        data.splice(at, 0, ...data.slice(at, at + len));
        break;
      }
      case 6: { // repeat a chunk many times (length limits, quadratic paths); rare, as it is costly
        if (!rng.bool(0.25)) {
          data.splice(at, 0, ...data.slice(at, at + 1 + rng.int(4)));
          break;
        }
        const chunk = Buffer.from(data.slice(at, at + 1 + rng.int(8)));
        const times = rng.pick([16, 256, 2048]);
        data = [...data.slice(0, at), ...Buffer.concat(Array(times).fill(chunk) as Buffer[]).subarray(0, 70_000), ...data.slice(at)];
        break;
      }
      case 7: // a token of the format
        if (target.dictionary.length) data.splice(at, 0, ...Buffer.from(rng.pick(target.dictionary), 'utf8'));
        break;
      case 8: // truncate
        data = data.slice(0, at);
        break;
      case 9: { // splice with another seed
        const other = rng.pick(target.seeds);
        const from = rng.int(other.length + 1);
        data = [...data.slice(0, at), ...other.slice(from, from + rng.int(other.length + 1))];
        break;
      }
      case 10: // replace a run of digits with a boundary number
        data = replaceDigits(rng, data);
        break;
    }
  }
  return new Uint8Array(data);
}

function replaceDigits(rng: Rng, data: number[]): number[] {
  const textual = Buffer.from(data).toString('latin1');
  const runs = [...textual.matchAll(/[0-9]+/g)];
  if (runs.length === 0) return data;
  const run = rng.pick(runs);
  const replaced = textual.slice(0, run.index) + rng.pick(INTERESTING_NUMBERS) + textual.slice(run.index! + run[0].length);
  return Array.from(Buffer.from(replaced, 'latin1'));
}

const ODD_STRINGS = ['', ' ', 'x'.repeat(300), '\u0000', '\ud800', '💥', '../../etc/passwd', '${secret:X}', '{{phone}}', '__proto__', 'constructor',
  '2026-13-45T99:99:99Z', '2026-02-30T10:00:00Z', '2026-04-31T23:59:59Z', '2026-01-05T24:00:00Z', '+275760-09-13T00:00:00.000Z', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z', 'ON', 'true', 'null', '-', 'a'.repeat(65)];

function oddValue(rng: Rng, depth: number): unknown {
  switch (rng.int(9)) {
    case 0: return null;
    case 1: return rng.bool();
    case 2: return rng.pick([0, -1, 1, -0, 1.5, 2 ** 31, 2 ** 32, 2 ** 53 + 2, 1e308, -1e308, 8.64e15, 1e21, Number.MIN_VALUE]);
    case 3: return rng.int(1_000_000);
    case 4: return rng.pick(ODD_STRINGS);
    case 5: return depth > 0 ? [oddValue(rng, depth - 1)] : [];
    case 6: return depth > 0 ? { [rng.pick(ODD_STRINGS)]: oddValue(rng, depth - 1) } : {};
    case 7: { // deep nesting
      let v: unknown = 0;
      for (let i = 0, n = rng.pick([10, 100, 1000]); i < n; i++) v = rng.bool() ? [v] : { a: v };
      return v;
    }
    default: return 'x'.repeat(rng.bool(0.9) ? rng.pick([1, 64, 1000]) : 70_000);
  }
}

/** Changes `count` random places of a JSON-like value; returns the (possibly replaced) root. */
export function mutateValue(rng: Rng, root: unknown, count: number): unknown {
  for (let i = 0; i < count; i++) root = mutateOnce(rng, root, 0);
  return root;
}

function mutateOnce(rng: Rng, value: unknown, depth: number): unknown {
  const container = value !== null && typeof value === 'object';
  // Go deeper most of the time, so nested fields get their share.
  if (container && rng.bool(0.8) && depth < 12) {
    if (Array.isArray(value)) {
      if (value.length === 0 || rng.bool(0.1)) {
        value.push(value.length ? structuredClone(rng.pick(value)) : oddValue(rng, 2));
        return value;
      }
      if (rng.bool(0.08)) {
        value.splice(rng.int(value.length), 1);
        return value;
      }
      const i = rng.int(value.length);
      value[i] = mutateOnce(rng, value[i], depth + 1);
      return value;
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 0 || rng.bool(0.08)) {
      record[rng.bool(0.5) && keys.length ? `${rng.pick(keys)}_` : rng.pick(ODD_STRINGS)] = oddValue(rng, 2);
      return record;
    }
    const key = rng.pick(keys);
    if (rng.bool(0.08)) {
      delete record[key];
      return record;
    }
    record[key] = mutateOnce(rng, record[key], depth + 1);
    return record;
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}/.test(value) && rng.bool(0.7)) {
    // A time at a calendar edge: days a month does not have, hour 24, years 0000 and 9999.
    const [date, time] = value.split('T') as [string, string];
    const [y, m] = date.split('-');
    const edges = [`${y}-${m}-${rng.pick(['00', '29', '30', '31', '32'])}T${time}`, `${y}-${rng.pick(['00', '02', '04', '13'])}-${rng.pick(['29', '30', '31'])}T${time}`,
      `${date}T24${time.slice(2)}`, `${date}T23:59:60${time.slice(8)}`, `${rng.pick(['0000', '9999', '1969'])}${value.slice(4)}`];
    return rng.pick(edges);
  }
  if (typeof value === 'string' && rng.bool(0.5)) {
    // Nearby strings: a real value slightly off is likelier to pass a pattern and reach deeper code.
    const ops = [() => value + rng.pick(ODD_STRINGS), () => value.slice(0, rng.int(value.length + 1)), () => value.toUpperCase(), () => `${value}${value}`];
    return rng.pick(ops)();
  }
  if (typeof value === 'number' && rng.bool(0.5)) return rng.pick([value + 1, value - 1, -value, value * 1000, value / 1000, Math.trunc(value) + 0.5]);
  return oddValue(rng, 2);
}

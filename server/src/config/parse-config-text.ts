import { CORE_SCHEMA, load } from 'js-yaml';

/**
 * Parses a configuration document (YAML 1.2 core schema; JSON is a subset) in time that stays
 * small for any input an administrator can send to the running server. js-yaml stops at the
 * first error; the `yaml` library went on collecting hundreds of errors in documents such as
 * thousands of unclosed `{` and took up to half a second of the event loop. js-yaml keeps an
 * alias as a second reference to the same object, so a "billion laughs" document costs nothing
 * to parse but everything to validate: its expanded size is bounded here, before the schema
 * walks it.
 */
export const MAX_CONFIG_DEPTH = 64;
export const MAX_CONFIG_EXPANDED_NODES = 200_000;

export class ConfigTextError extends Error {}

export function parseConfigText(text: string): unknown {
  let data: unknown;
  try {
    data = load(text, { schema: CORE_SCHEMA, maxDepth: MAX_CONFIG_DEPTH } as Parameters<typeof load>[1]);
  } catch (err) {
    throw new ConfigTextError((err as Error).message.split('\n')[0]);
  }
  const nodes = expandedSize(data, new Map(), new Set());
  if (nodes > MAX_CONFIG_EXPANDED_NODES) {
    throw new ConfigTextError(`the document expands to more than ${MAX_CONFIG_EXPANDED_NODES.toLocaleString('en')} values (anchors and aliases)`);
  }
  return data;
}

/** Values in the tree a validator walks, counting a shared (aliased) object each time it is reached; stops counting past the limit. */
function expandedSize(value: unknown, sizes: Map<object, number>, open: Set<object>): number {
  if (value === null || typeof value !== 'object') return 1;
  const known = sizes.get(value);
  if (known !== undefined) return known;
  if (open.has(value)) return Infinity; // an alias to an enclosing node: a cycle cannot be a configuration
  open.add(value);
  let size = 1;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    size += expandedSize(child, sizes, open);
    if (size > MAX_CONFIG_EXPANDED_NODES) break;
  }
  open.delete(value);
  sizes.set(value, size);
  return size;
}

import { CORE_SCHEMA, load } from 'js-yaml';

/**
 * Parses a configuration document (YAML 1.2 core schema; JSON is a subset) in time that stays
 * small for any input an administrator can send to the running server. js-yaml stops at the
 * first error; the `yaml` library went on collecting hundreds of errors in documents such as
 * thousands of unclosed `{` and took up to half a second of the event loop. js-yaml keeps an
 * alias as a second reference to the same object, so a "billion laughs" document costs nothing
 * to parse but everything to validate: what aliases add to the document (the values the schema
 * would walk again) is bounded here, before the schema walks it. The document's own size is
 * not: a real office with 40,000 devices has far more values than any alias budget.
 */
export const MAX_CONFIG_DEPTH = 64;
/** Values that aliases may add on top of the document's own (each repeat of a shared node counts its whole size). */
export const MAX_CONFIG_ALIAS_VALUES = 200_000;

export class ConfigTextError extends Error {}

export function parseConfigText(text: string): unknown {
  let data: unknown;
  try {
    data = load(text, { schema: CORE_SCHEMA, maxDepth: MAX_CONFIG_DEPTH } as Parameters<typeof load>[1]);
  } catch (err) {
    throw new ConfigTextError((err as Error).message.split('\n')[0]);
  }
  const walk = { sizes: new Map<object, number>(), open: new Set<object>(), aliased: 0 };
  expandedSize(data, walk);
  if (walk.aliased > MAX_CONFIG_ALIAS_VALUES) {
    throw new ConfigTextError(`anchors and aliases expand the document by more than ${MAX_CONFIG_ALIAS_VALUES.toLocaleString('en')} values`);
  }
  return data;
}

/**
 * Values in the tree a validator walks below `value`, counting a shared (aliased) object each time
 * it is reached; every repeat's size is added to `walk.aliased`. Each distinct object is walked
 * once, so the cost is the document's own size; counting stops once the alias budget is spent.
 */
function expandedSize(value: unknown, walk: { sizes: Map<object, number>; open: Set<object>; aliased: number }): number {
  if (value === null || typeof value !== 'object') return 1;
  const known = walk.sizes.get(value);
  if (known !== undefined) {
    walk.aliased += known;
    return known;
  }
  if (walk.open.has(value)) {
    walk.aliased = Infinity; // an alias to an enclosing node: a cycle cannot be a configuration
    return Infinity;
  }
  walk.open.add(value);
  let size = 1;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    size += expandedSize(child, walk);
    if (walk.aliased > MAX_CONFIG_ALIAS_VALUES) break;
  }
  walk.open.delete(value);
  walk.sizes.set(value, size);
  return size;
}

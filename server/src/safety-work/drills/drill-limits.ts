/**
 * How long a drill lasts, shared by the feature and its routes (in a file of its own so the two
 * do not import each other).
 */
export const DEFAULT_DRILL_MINUTES = 15;
export const MAX_DRILL_MINUTES = 120;

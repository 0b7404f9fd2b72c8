import type { FeatureFactory } from './feature';

/** Every feature the server runs, in start order. Adding one is adding a line here. */
export const featureFactories: FeatureFactory[] = [];

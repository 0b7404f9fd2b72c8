import { loneWorkFeature } from '../lone-work/lone-work-feature';
import { supervisionFeature } from '../supervision/supervision-feature';
import type { FeatureFactory } from './feature';

/** Every feature the server runs, in start order. Adding one is adding a line here. */
export const featureFactories: FeatureFactory[] = [
  loneWorkFeature,
  supervisionFeature,
];

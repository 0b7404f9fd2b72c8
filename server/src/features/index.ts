import { evacuationFeature } from '../evacuation/evacuation-feature';
import { loneWorkFeature } from '../lone-work/lone-work-feature';
import { supervisionFeature } from '../supervision/supervision-feature';
import { incidentsFeature } from '../incidents/incidents-feature';
import { drillsFeature } from '../safety-work/drills/drills-feature';
import { meetingsFeature } from '../safety-work/meetings/meetings-feature';
import { bannedClientsFeature } from '../safety-work/banned-clients/banned-clients-feature';
import { retentionFeature } from '../retention/retention-feature';
import { floorPlansFeature } from '../floor-plans/floor-plans-feature';
import type { FeatureFactory } from './feature';

/** Every feature the server runs, in start order. Adding one is adding a line here. */
export const featureFactories: FeatureFactory[] = [
  loneWorkFeature,
  supervisionFeature,
  evacuationFeature,
  incidentsFeature,
  drillsFeature,
  meetingsFeature,
  bannedClientsFeature,
  retentionFeature,
  floorPlansFeature,
];

import type { FastifyInstance } from 'fastify';
import type { Feature, FeatureContext, FeatureFactory } from '../features/feature';
import { floorPlanRoutes } from './floor-plan-routes';
import { FloorPlanStore } from './floor-plan-store';

/** Floor plans uploaded in the console, stored in the database beside the configuration (floor-plan-routes.ts). */
export class FloorPlansFeature implements Feature {
  readonly name = 'floor-plans';
  private store?: FloorPlanStore;

  constructor(private readonly pdftoppm?: string) {}

  async start(ctx: FeatureContext): Promise<void> {
    this.store = new FloorPlanStore(ctx.dbFile);
  }

  async stop(): Promise<void> {
    this.store?.close();
    this.store = undefined;
  }

  async routes(app: FastifyInstance, ctx: FeatureContext): Promise<void> {
    // Without configuration editing (some tests) there is nothing to upload into.
    if (!this.store || !ctx.config) return;
    await floorPlanRoutes(app, { store: this.store, config: ctx.config, directory: ctx.directory, sessions: ctx.sessions, clock: ctx.clock, pdftoppm: this.pdftoppm });
  }
}

export const floorPlansFeature: FeatureFactory = ({ env }) => new FloorPlansFeature(env.TRYGG_PDFTOPPM || undefined);

import { ID_PATTERN, locationSchema } from '@trygg/protocol';
import { DURATION_PATTERN, UNTIL_PATTERN } from './durations';
import { SCENARIO_TRANSPORTS, STEP_KINDS, type StepKind } from './scenario-types';

/**
 * JSON Schema of a scenario file (firmware-sim/scenarios/*.yaml, docs/simulator.md). A step is
 * `at` plus one action key; the action's value is a device id, or an object with `device` and
 * the action's parameters. Keywords apply per JSON type, so `pattern` checks the short form and
 * `properties` the long one.
 */
const id = { type: 'string', pattern: ID_PATTERN } as const;
const duration = { type: 'string', pattern: DURATION_PATTERN } as const;
const transport = { enum: SCENARIO_TRANSPORTS } as const;
const battery = { type: 'integer', minimum: 0, maximum: 100 } as const;

const PARAMS: Partial<Record<StepKind, Record<string, object>>> = {
  press: { action: { type: 'string', minLength: 1, maxLength: 100 } },
  cancel: { pin: { type: 'string', pattern: '^[0-9]{4,8}$' } },
  heartbeat: { battery },
  'man-down': { location: locationSchema },
  location: { location: locationSchema },
  'checkin-start': { until: { type: 'string', pattern: UNTIL_PATTERN } },
  'checkin-extend': { until: { type: 'string', pattern: UNTIL_PATTERN } },
  battery: { level: battery },
};
/** Actions that need a parameter, so the bare `kind: <device>` form is not enough. */
const REQUIRED: Partial<Record<StepKind, string>> = {
  location: 'location', 'checkin-start': 'until', 'checkin-extend': 'until', battery: 'level',
};

function actionSchema(kind: StepKind): object {
  const required = REQUIRED[kind];
  return {
    type: required ? 'object' : ['string', 'object'],
    ...(!required && { pattern: ID_PATTERN }),
    additionalProperties: false,
    required: required ? ['device', required] : ['device'],
    properties: { device: id, transport, ...PARAMS[kind] },
  };
}

export const scenarioSchema = {
  $id: 'trygg/firmware-sim/scenario',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'steps'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 2000 },
    site: id,
    transport,
    devices: {
      type: 'object',
      propertyNames: { pattern: ID_PATTERN },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          transport,
          port: { type: 'string', minLength: 1 },
          model: { type: 'string', minLength: 1, maxLength: 100 },
          friendlyName: { type: 'string', pattern: '^(?!/)(?!.*/$)[^#+\\u0000]{1,200}$' },
        },
      },
    },
    heartbeats: {
      type: 'object',
      additionalProperties: false,
      required: ['every', 'devices'],
      properties: { every: duration, devices: { type: 'array', minItems: 1, uniqueItems: true, items: id }, battery },
    },
    end: duration,
    steps: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['at'],
        properties: { at: duration, ...Object.fromEntries(STEP_KINDS.map((k) => [k, actionSchema(k)])) },
      },
    },
  },
} as const;

import { transportSettingsSchema } from '@trygg/gateway';
import { deviceBindingSchema, ID_PATTERN } from '@trygg/protocol';
import { notifierSettings, notifierSettingsRules } from '../notify/notifier-settings';

/** JSON Schema of the configuration file; see config/types.ts for the meaning of each field. */
const id = { type: 'string', pattern: ID_PATTERN } as const;
const name = { type: 'string', minLength: 1, maxLength: 200 } as const;
const idList = { type: 'array', items: id, uniqueItems: true } as const;
const passwordHash = { type: 'string', pattern: '^scrypt\\$', maxLength: 300 } as const;
const phone = { type: 'string', pattern: '^\\+?[0-9 ]{3,20}$' } as const;
const lines = { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 300 } } as const;
function bilingual(maxLength: number) {
  return {
    type: 'object', additionalProperties: false, required: ['nb', 'en'],
    properties: { nb: { type: 'string', minLength: 1, maxLength }, en: { type: 'string', minLength: 1, maxLength } },
  } as const;
}
const retention = {
  type: 'object', additionalProperties: false,
  properties: { retentionDays: { type: 'integer', minimum: 30, maximum: 36500 } },
} as const;
/** `sites[].retention` (types.ts RetentionConfig); the lower bounds keep what an alarm's follow-up needs. */
const siteRetention = {
  type: 'object', additionalProperties: false,
  properties: {
    alarmsDays: { type: 'integer', minimum: 30, maximum: 36500 },
    positionsHours: { type: 'integer', minimum: 1, maximum: 8760 },
    deviceEventsDays: { type: 'integer', minimum: 7, maximum: 36500 },
    notificationsDays: { type: 'integer', minimum: 7, maximum: 36500 },
    evacuationsDays: { type: 'integer', minimum: 7, maximum: 36500 },
    visitsDays: { type: 'integer', minimum: 1, maximum: 36500 },
    auditDays: { type: 'integer', minimum: 365, maximum: 36500 },
  },
} as const;
const username = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$' } as const;
/** Keyed PIN hash, `npx tsx server/src/lone-work/hash-pin.ts` (docs/lone-work.md). */
const pinHash = { type: 'string', pattern: '^hmac-sha256\\$[0-9a-f]{8}\\$[A-Za-z0-9+/=]{8,64}\\$[A-Za-z0-9+/=]{43,44}$', maxLength: 200 } as const;
const loneWork = {
  type: 'object',
  additionalProperties: false,
  properties: {
    manDownPreAlarmSeconds: { type: 'integer', minimum: 0, maximum: 300 },
    checkinReminderMinutes: { type: 'integer', minimum: 0, maximum: 120 },
    maxVisitHours: { type: 'integer', minimum: 1, maximum: 72 },
  },
} as const;

const supervision = {
  type: 'object',
  additionalProperties: false,
  properties: {
    heartbeatSeconds: {
      type: 'object', additionalProperties: false,
      properties: { 'panic-button': { type: 'integer', minimum: 10, maximum: 86400 }, portable: { type: 'integer', minimum: 10, maximum: 86400 } },
    },
    missedHeartbeats: { type: 'integer', minimum: 1, maximum: 10 },
    lowBatteryPercent: { type: 'integer', minimum: 1, maximum: 95 },
    gatewayGraceSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
    testPeriodDays: { type: 'integer', minimum: 1, maximum: 366 },
    testModeMinutes: { type: 'integer', minimum: 1, maximum: 240 },
  },
} as const;

const evacuation = {
  type: 'object',
  additionalProperties: false,
  required: ['assemblyPoint'],
  properties: {
    assemblyPoint: bilingual(300),
    templates: {
      type: 'object', additionalProperties: false,
      properties: { phone: bilingual(1000), sms: bilingual(600), banner: bilingual(600), email: bilingual(2000) },
    },
  },
} as const;

const target = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    group: id, zone: id, station: id, site: id, person: { type: 'string', maxLength: 64 }, external: id,
    role: { enum: ['employee', 'responder', 'security', 'manager', 'admin'] },
  },
} as const;

const step = {
  type: 'object',
  additionalProperties: false,
  required: ['afterSeconds', 'targets'],
  properties: {
    afterSeconds: { type: 'number', minimum: 0, maximum: 86400 },
    targets: { type: 'array', minItems: 1, items: target },
    channels: { type: 'array', items: { enum: ['console', 'sms', 'voice', 'email'] }, uniqueItems: true },
    until: { enum: ['acknowledged', 'responding', 'resolved'] },
    includeOriginZone: { type: 'boolean' },
    repeatSeconds: { type: 'number', minimum: 10, maximum: 3600 },
  },
} as const;

export const configSchema = {
  $id: 'trygg/config',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'sites', 'users'],
  properties: {
    version: { const: 1 },
    broker: {
      type: 'object',
      additionalProperties: false,
      properties: {
        allowAnonymous: { type: 'boolean' },
        devicePublishLimit: {
          type: 'object', additionalProperties: false, required: ['perSecond', 'burst'],
          properties: { perSecond: { type: 'integer', minimum: 0, maximum: 1_000_000 }, burst: { type: 'integer', minimum: 1, maximum: 1_000_000 } },
        },
      },
    },
    supervision,
    sites: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'zones', 'rooms', 'gateways', 'devices', 'stations', 'groups', 'chains', 'defaultChain'],
        properties: {
          id,
          name,
          address: { type: 'string', maxLength: 300 },
          entrance: { type: 'string', maxLength: 300 },
          timezone: { type: 'string', maxLength: 64 },
          defaultChain: id,
          technicalChain: id,
          incidents: retention,
          retention: siteRetention,
          meetings: {
            type: 'object', additionalProperties: false,
            properties: { chain: id, graceMinutes: { type: 'integer', minimum: 0, maximum: 240 } },
          },
          escalation: {
            type: 'object', additionalProperties: false,
            properties: {
              loudAfterSeconds: { type: 'number', minimum: 0, maximum: 3600 },
              repeatSeconds: { type: 'number', minimum: 10, maximum: 3600 },
              onSceneSeconds: { type: 'number', minimum: 0, maximum: 86400 },
            },
          },
          neighbourAgreements: { type: 'array', items: id, uniqueItems: true, maxItems: 100 },
          noRespondersOnSite: {
            type: 'object', additionalProperties: false, required: ['neighbours'],
            properties: { neighbours: { type: 'array', items: id, uniqueItems: true }, external: { type: 'array', items: id, uniqueItems: true } },
          },
          floorPlans: {
            type: 'array', maxItems: 50,
            items: {
              type: 'object', additionalProperties: false, required: ['floor', 'image'],
              properties: { floor: { type: 'string', maxLength: 20 }, image: { type: 'string', maxLength: 2_000_000 } },
            },
          },
          actionCards: {
            type: 'array', maxItems: 200,
            items: {
              type: 'object', additionalProperties: false, required: ['id', 'kind', 'title', 'steps'],
              properties: {
                id, kind: { enum: ['panic', 'personal', 'man-down', 'no-checkin', 'evacuation', 'technical'] }, roomId: id,
                title: bilingual(200),
                steps: {
                  type: 'object', additionalProperties: false, required: ['nb', 'en'],
                  properties: { nb: lines, en: lines },
                },
                callsPolice: bilingual(300),
              },
            },
          },
          cancelPinHash: pinHash,
          duressPinHash: pinHash,
          loneWork,
          supervision,
          evacuation,
          zones: {
            type: 'array', minItems: 1,
            items: { type: 'object', additionalProperties: false, required: ['id', 'name'], properties: { id, name, chain: id } },
          },
          rooms: {
            type: 'array',
            items: {
              type: 'object', additionalProperties: false, required: ['id', 'name', 'zoneId'],
              properties: {
                id, name, zoneId: id, floor: { type: 'string', maxLength: 20 },
                position: {
                  type: 'object', additionalProperties: false, required: ['x', 'y'],
                  properties: { x: { type: 'number', minimum: 0, maximum: 100 }, y: { type: 'number', minimum: 0, maximum: 100 } },
                },
              },
            },
          },
          gateways: {
            type: 'array',
            items: {
              type: 'object', additionalProperties: false, required: ['id', 'username', 'passwordHash'],
              properties: {
                id, username, passwordHash,
                // Each transport's own settings schema (gateway/src/transports/transport-settings.ts);
                // MQTT is not listed: every gateway runs it on the server's broker.
                transports: { type: 'array', maxItems: 20, items: transportSettingsSchema(['serial', 'hid', 'zigbee2mqtt']) },
              },
            },
          },
          deviceAccounts: {
            type: 'array',
            items: {
              type: 'object', additionalProperties: false, required: ['username', 'passwordHash'],
              properties: { username, passwordHash, deviceIds: idList },
            },
          },
          devices: {
            type: 'array',
            items: {
              type: 'object', additionalProperties: false, required: ['id', 'type', 'gatewayId'],
              properties: {
                id, name, type: { enum: ['panic-button', 'portable'] }, roomId: id, gatewayId: id,
                person: name, cancelPinHash: pinHash, duressPinHash: pinHash, triggersEvacuation: { type: 'boolean' },
                heartbeatSeconds: { type: 'integer', minimum: 10, maximum: 86400 },
                // Transport binding (DeviceConfig): the gateway learns it from its device directory.
                ...deviceBindingSchema.properties,
              },
            },
          },
          stations: {
            type: 'array',
            items: {
              type: 'object', additionalProperties: false, required: ['id', 'name', 'zoneId'],
              properties: { id, name, zoneId: id, roomId: id },
            },
          },
          groups: {
            type: 'array',
            items: {
              type: 'object', additionalProperties: false, required: ['id'],
              properties: { id, name, stations: idList, zones: idList },
            },
          },
          chains: {
            type: 'array', minItems: 1,
            items: {
              type: 'object', additionalProperties: false, required: ['id', 'steps'],
              properties: { id, name, steps: { type: 'array', minItems: 1, maxItems: 20, items: step } },
            },
          },
        },
      },
    },
    incidents: retention,
    notifiers: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['id', 'channel'],
        // `settings` must match the schema its channel exports (notify/notifier-settings.ts).
        allOf: notifierSettingsRules(),
        properties: {
          id, channel: { enum: Object.keys(notifierSettings) },
          party: { enum: ['guards', 'police', 'other'] },
          to: {
            type: 'object', additionalProperties: false,
            properties: { phone, email: { type: 'string', format: 'email', maxLength: 200 }, name },
          },
          settings: { type: 'object' },
        },
      },
    },
    users: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['username', 'name', 'role', 'sites', 'passwordHash'],
        properties: {
          username,
          name,
          role: { enum: ['employee', 'responder', 'security', 'manager', 'admin'] },
          phone: phone,
          email: { type: 'string', format: 'email', maxLength: 200 },
          language: { enum: ['nb', 'en'] },
          sites: { type: 'array', items: { anyOf: [id, { const: '*' }] }, uniqueItems: true },
          passwordHash,
        },
      },
    },
  },
} as const;

/** Settings of the MQTT device transport (mqtt-device-transport.ts MqttTransportConfig). */
export const mqttTransportSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'url'],
  properties: {
    kind: { const: 'mqtt' },
    url: { type: 'string', pattern: '^(mqtts?|tcp|tls|wss?)://.' },
    username: { type: 'string' },
    password: { type: 'string' },
    clientId: { type: 'string', minLength: 1, maxLength: 128 },
    reconnectPeriodMs: { type: 'integer', minimum: 10, maximum: 600000 },
  },
} as const;

import { describe, expect, it } from 'vitest';
import { topics } from '@trygg/protocol';
import { mayPublish, maySubscribe, type BrokerPrincipal } from './acl';

const server: BrokerPrincipal = { role: 'server' };
const gateway: BrokerPrincipal = { role: 'gateway', siteId: 'oslo', gatewayId: 'gw-1' };
const deviceAny: BrokerPrincipal = { role: 'device', siteId: 'oslo' };
const deviceSome: BrokerPrincipal = { role: 'device', siteId: 'oslo', deviceIds: ['btn-1', 'btn-2'] };
const anonymous: BrokerPrincipal = { role: 'anonymous' };

const longId = 'a'.repeat(65);
const hostileTopics = [
  '#',
  '+',
  '',
  '/',
  '$SYS/broker/heartbeat',
  '$SYS/#',
  'trygg/v1/sites/oslo/../bergen/gateways/gw-1/events',
  'trygg/v1/sites/oslo/gateways/gw-1/events/extra',
  'trygg/v1/sites//gateways/gw-1/events',
  'trygg/v1/sites/oslo/gateways//events',
  'trygg/v1/sites/oslo/gateways/gw-1/',
  '/trygg/v1/sites/oslo/gateways/gw-1/events',
  'trygg/v1/sites/OSLO/gateways/gw-1/events',
  'trygg/v1/sites/oslo\u0000/gateways/gw-1/events',
  `trygg/v1/sites/oslo/gateways/${longId}/events`,
  `trygg/v1/sites/oslo/gateways/gw-1/events${'/x'.repeat(5000)}`,
  'trygg/v2/sites/oslo/gateways/gw-1/events',
];

describe('mayPublish', () => {
  const cases: [string, BrokerPrincipal, string, boolean][] = [
    ['gateway: own events', gateway, topics.gateway('oslo', 'gw-1', 'events'), true],
    ['gateway: own heartbeats', gateway, topics.gateway('oslo', 'gw-1', 'heartbeats'), true],
    ['gateway: own status', gateway, topics.gateway('oslo', 'gw-1', 'status'), true],
    ['gateway: own receipts (server speaks there)', gateway, topics.gateway('oslo', 'gw-1', 'receipts'), false],
    ['gateway: own commands (server speaks there)', gateway, topics.gateway('oslo', 'gw-1', 'commands'), false],
    ['gateway: another gateway of its site', gateway, topics.gateway('oslo', 'gw-2', 'events'), false],
    ['gateway: same gateway id at another site', gateway, topics.gateway('bergen', 'gw-1', 'events'), false],
    ['gateway: device down of its site', gateway, topics.device('oslo', 'btn-9', 'down'), true],
    ['gateway: device up (devices speak there)', gateway, topics.device('oslo', 'btn-9', 'up'), false],
    ['gateway: device down of another site', gateway, topics.device('bergen', 'btn-9', 'down'), false],
    ['gateway: alarm state', gateway, topics.alarmState('oslo', 'a-1'), false],
    ['gateway: wildcard in a topic name', gateway, 'trygg/v1/sites/+/gateways/gw-1/events', false],
    ['device: any device up', deviceAny, topics.device('oslo', 'btn-7', 'up'), true],
    ['device: down (gateway speaks there)', deviceAny, topics.device('oslo', 'btn-7', 'down'), false],
    ['device: another site', deviceAny, topics.device('bergen', 'btn-7', 'up'), false],
    ['device: gateway events', deviceAny, topics.gateway('oslo', 'gw-1', 'events'), false],
    ['restricted device: allowed device', deviceSome, topics.device('oslo', 'btn-2', 'up'), true],
    ['restricted device: other device', deviceSome, topics.device('oslo', 'btn-3', 'up'), false],
    ['anonymous: any site device up', anonymous, topics.device('bergen', 'x', 'up'), true],
    ['anonymous: gateway events', anonymous, topics.gateway('oslo', 'gw-1', 'events'), false],
    ['anonymous: device down', anonymous, topics.device('oslo', 'x', 'down'), false],
    ['server: anything of the contract', server, topics.gateway('oslo', 'gw-1', 'receipts'), true],
    ['server: outside the contract', server, 'anything/else', true],
    ['server: $SYS', server, '$SYS/x', true],
    ['server: still no wildcard in a topic name', server, 'trygg/#', false],
    ['server: still no empty topic', server, '', false],
  ];
  it.each(cases)('%s', (_name, p, topic, expected) => {
    expect(mayPublish(p, topic)).toBe(expected);
  });

  it.each(hostileTopics)('refuses hostile topic %j for everyone but the server', (topic) => {
    for (const p of [gateway, deviceAny, deviceSome, anonymous]) expect(mayPublish(p, topic)).toBe(false);
  });
});

describe('maySubscribe', () => {
  const cases: [string, BrokerPrincipal, string, boolean][] = [
    ['gateway: own receipts', gateway, topics.gateway('oslo', 'gw-1', 'receipts'), true],
    ['gateway: own commands', gateway, topics.gateway('oslo', 'gw-1', 'commands'), true],
    ['gateway: own events (nobody else publishes them)', gateway, topics.gateway('oslo', 'gw-1', 'events'), false],
    ['gateway: another gateway receipts', gateway, topics.gateway('oslo', 'gw-2', 'receipts'), false],
    ['gateway: + in the gateway level', gateway, 'trygg/v1/sites/oslo/gateways/+/receipts', false],
    ['gateway: + in the site level', gateway, 'trygg/v1/sites/+/gateways/gw-1/receipts', false],
    ['gateway: + in the channel level', gateway, 'trygg/v1/sites/oslo/gateways/gw-1/+', false],
    ['gateway: # below own gateway', gateway, 'trygg/v1/sites/oslo/gateways/gw-1/#', false],
    ['gateway: # below own site', gateway, 'trygg/v1/sites/oslo/#', false],
    ['gateway: all device up of its site', gateway, topics.allDevicesOfSite('oslo', 'up'), true],
    ['gateway: one device up of its site', gateway, topics.device('oslo', 'btn-1', 'up'), true],
    ['gateway: device down', gateway, topics.allDevicesOfSite('oslo', 'down'), false],
    ['gateway: all device up of another site', gateway, topics.allDevicesOfSite('bergen', 'up'), false],
    ['gateway: all device up of all sites', gateway, 'trygg/v1/sites/+/devices/+/up', false],
    ['gateway: + in the collection level', gateway, 'trygg/v1/sites/oslo/+/gw-1/receipts', false],
    ['gateway: + in the root', gateway, '+/v1/sites/oslo/gateways/gw-1/receipts', false],
    ['gateway: all gateway events (server subscription)', gateway, topics.allGatewayChannel('events'), false],
    ['device: all down of its site', deviceAny, topics.allDevicesOfSite('oslo', 'down'), true],
    ['device: one down', deviceAny, topics.device('oslo', 'btn-5', 'down'), true],
    ['device: up', deviceAny, topics.allDevicesOfSite('oslo', 'up'), false],
    ['device: another site', deviceAny, topics.allDevicesOfSite('bergen', 'down'), false],
    ['device: gateway receipts', deviceAny, topics.gateway('oslo', 'gw-1', 'receipts'), false],
    ['restricted device: allowed device down', deviceSome, topics.device('oslo', 'btn-1', 'down'), true],
    ['restricted device: other device down', deviceSome, topics.device('oslo', 'btn-3', 'down'), false],
    ['restricted device: + widens beyond its devices', deviceSome, topics.allDevicesOfSite('oslo', 'down'), false],
    ['anonymous: any site, all down', anonymous, topics.allDevicesOfSite('bergen', 'down'), true],
    ['anonymous: + in the site level', anonymous, 'trygg/v1/sites/+/devices/+/down', false],
    ['anonymous: gateway receipts', anonymous, topics.gateway('oslo', 'gw-1', 'receipts'), false],
    ['server: #', server, '#', true],
    ['server: all gateway events', server, topics.allGatewayChannel('events'), true],
    ['server: $SYS', server, '$SYS/#', true],
    ['server: still no malformed # (not last)', server, 'trygg/#/x', false],
    ['server: still no malformed + (inside a level)', server, 'trygg/v1/sites/os+/#', false],
    ['server: still no empty filter', server, '', false],
  ];
  it.each(cases)('%s', (_name, p, filter, expected) => {
    expect(maySubscribe(p, filter)).toBe(expected);
  });

  it.each([...hostileTopics, 'trygg/v1/sites/+/gateways/gw-1/receipts', 'trygg/#', 'trygg/v1/sites/oslo/devices/#'])(
    'refuses hostile filter %j for everyone but the server',
    (filter) => {
      for (const p of [gateway, deviceAny, deviceSome, anonymous]) expect(maySubscribe(p, filter)).toBe(false);
    },
  );
});

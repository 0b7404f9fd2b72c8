import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenario, ScenarioError } from './scenario-file';

const SCENARIOS = join(import.meta.dirname, '../../scenarios');

function problems(text: string): string[] {
  try {
    parseScenario(text);
  } catch (err) {
    if (err instanceof ScenarioError) return err.problems;
    throw err;
  }
  throw new Error('expected problems');
}

describe('scenario files', () => {
  it('every shipped scenario is valid', () => {
    const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));
    expect(files).toEqual(expect.arrayContaining(['demo.yaml', 'e2e-supervision.yaml', 'e2e-transports.yaml']));
    for (const f of files) expect(loadScenarioFile(join(SCENARIOS, f)).steps.length).toBeGreaterThan(0);
  });

  it('reads the short and the long step forms, devices, heartbeats and times', () => {
    const s = parseScenario(`
name: mixed
transport: mqtt
devices:
  sos-1: { transport: zigbee, model: TS0215A_sos, friendlyName: hall/sos 1 }
  desk-5: { transport: serial, port: /dev/pts/9 }
heartbeats: { every: 1m30s, devices: [sensor-9], battery: 80 }
end: 2h
steps:
  - { at: 0s, press: interview-3 }
  - { at: 2.5s, heartbeat-stops: sensor-9 }
  - { at: 10s500ms, press: { device: sos-1, action: emergency } }
  - { at: 12s, cancel: { device: desk-5, pin: "4711" } }
  - { at: 15s, man-down: { device: portable-1, location: { roomId: interview-2 } } }
  - { at: 20s, checkin-start: { device: portable-1, until: +30m } }
  - { at: 21s, checkin-extend: { device: portable-1, until: "2026-01-05T10:00:00Z" } }
  - { at: 22s, battery: { device: sensor-9, level: 12 } }
  - { at: 23s, press: { device: sos-1, transport: mqtt } }
`);
    expect(s).toMatchObject({ name: 'mixed', siteId: 'demo', endMs: 7_200_000, heartbeats: { everyMs: 90_000, devices: ['sensor-9'], battery: 80 } });
    expect([...s.transports].sort()).toEqual(['mqtt', 'serial', 'zigbee']);
    expect(s.steps.map((st) => [st.atMs, st.kind, st.device.id, st.device.transport])).toEqual([
      [0, 'press', 'interview-3', 'mqtt'],
      [2500, 'heartbeat-stops', 'sensor-9', 'mqtt'],
      [10_500, 'press', 'sos-1', 'zigbee'],
      [12_000, 'cancel', 'desk-5', 'serial'],
      [15_000, 'man-down', 'portable-1', 'mqtt'],
      [20_000, 'checkin-start', 'portable-1', 'mqtt'],
      [21_000, 'checkin-extend', 'portable-1', 'mqtt'],
      [22_000, 'battery', 'sensor-9', 'mqtt'],
      [23_000, 'press', 'sos-1', 'mqtt'],
    ]);
  });

  it('reports every schema problem at once as path: message', () => {
    expect(problems(`
steps:
  - { at: soon, press: Interview 3 }
  - { at: 1s, checkin-start: portable-1 }
  - { at: 2s, press: x, colour: red }
heartbeats: { every: 2s }
transport: carrier-pigeon
`)).toEqual(expect.arrayContaining([
      'name: must have required property \'name\'',
      'steps.0.at: must match pattern "^(\\d+(\\.\\d+)?(ms|s|m|h))+$"',
      'steps.0.press: must match pattern "^[a-z0-9][a-z0-9_-]{0,63}$"',
      'steps.1.checkin-start: must be object',
      'steps.2.colour: must NOT have additional properties',
      'heartbeats.devices: must have required property \'devices\'',
      'transport: must be one of mqtt, serial, zigbee',
    ]));
  });

  it('checks what a schema cannot: one action, time order, transports, heartbeats, end', () => {
    expect(problems(`
name: wrong
devices:
  sos-1: { transport: zigbee, port: /dev/ttyS0 }
  desk-5: { transport: serial, model: TS0215A_sos }
end: 3s
steps:
  - { at: 5s, press: a, release: a }
  - { at: 4s }
  - { at: 1s, man-down: sos-1 }
  - { at: 2s, location: { device: desk-5, location: { roomId: r } } }
  - { at: 3s, heartbeat-stops: sensor-9 }
  - { at: 4s, press: { device: a, action: hold } }
`)).toEqual([
      'devices.sos-1.port: only serial devices have a port',
      'devices.desk-5.model: only zigbee devices have a model',
      'steps.0: one action per step, found press and release',
      'steps.1: no action (one of press, release, cancel, heartbeat, man-down, location, tamper, low-battery, checkin-start, checkin-extend, checkout, offline, online, heartbeat-stops, heartbeat-resumes, battery)',
      'steps.2.man-down: a zigbee device cannot send man-down (it can: press, release, heartbeat, offline, online)',
      'steps.3.location: a serial device cannot send location (it can: press, release, cancel, heartbeat, man-down, tamper, low-battery, checkin-start, checkin-extend, checkout)',
      'steps.3.location.location: serial devices send no location',
      'steps.4.heartbeat-stops: sensor-9 is not in heartbeats.devices',
      'steps.5.press.action: only zigbee presses have an action',
      'end: 3s is before the last step',
    ]);
  });

  it('says where YAML itself is broken', () => {
    expect(problems('name: x\nsteps:\n  - { at: 1s, press: a\n')[0]).toMatch(/^\(yaml\): /);
    expect(problems('name: x\nname: y\nsteps: []\n')[0]).toMatch(/^\(yaml\): Map keys must be unique/);
  });

  it('names the file in the error', () => {
    expect(() => loadScenarioFile('/nope/missing.yaml')).toThrow(/cannot read scenario \/nope\/missing.yaml/);
  });
});

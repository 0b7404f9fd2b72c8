import { ALARM_KINDS, DC09_TEST_CID_CODES, DC09_TEST_SIA_CODES, parseContactId, parseSiaDcs } from '@trygg/protocol';
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../notifier';
import { arcMessageFor } from './arc-message';
import { resolveArcTarget } from './config';

const base = resolveArcTarget('oslo', { primary: { host: 'h', port: 1, protocol: 'tcp' }, account: '1234', zones: { reception: 7 } });

function note(kind: Notification['subject']['kind'], drill: boolean, purpose: Notification['purpose'] = 'alarm'): Notification {
  return {
    id: 'n', channel: 'sia-dc09', purpose, target: 'oslo', createdAt: '', attempt: 1, recipient: { id: 'arc' },
    subject: { kind, drill, state: 'raised', site: { id: 'oslo', name: 'Oslo' }, room: { id: 'reception', name: 'Reception' }, raisedAt: '' },
  };
}

describe('arcMessageFor', () => {
  // Safety rule: a drill never reaches the ARC as a real alarm code.
  it('every drill, of every kind and purpose, in both payloads, is a test code', () => {
    for (const kind of ALARM_KINDS) {
      for (const purpose of ['alarm', 'restore', 'evacuation'] as const) {
        const sia = parseSiaDcs(arcMessageFor(note(kind, true, purpose), base).data);
        expect(DC09_TEST_SIA_CODES.has(sia!.events[0]!.code)).toBe(true);
        const cid = parseContactId(arcMessageFor(note(kind, true, purpose), { ...base, format: 'ADM-CID' }).data);
        expect(DC09_TEST_CID_CODES.has(cid!.event)).toBe(true);
      }
    }
  });

  it('duress and technical conditions come from the classifier', () => {
    expect(arcMessageFor(note('panic', false), base, () => ({ duress: true })).data).toBe('#1234|Nri1/HA007');
    expect(arcMessageFor(note('technical', false), base, () => ({ condition: 'low-battery' })).data).toBe('#1234|Nri1/XT007');
    expect(arcMessageFor(note('technical', false), base).data).toBe('#1234|Nri1/UT007');
    expect(arcMessageFor(note('technical', false, 'restore'), { ...base, format: 'ADM-CID' }, () => ({ condition: 'device-offline' })).data)
      .toBe('#1234|3381 01 007');
  });

  it('evacuation as a purpose is an alarm; link-test is NULL', () => {
    expect(arcMessageFor(note('evacuation', false, 'evacuation'), base).data).toBe('#1234|Nri1/UA007');
    expect(arcMessageFor(note('panic', false, 'link-test'), base)).toEqual({ id: 'NULL', data: '' });
  });
});

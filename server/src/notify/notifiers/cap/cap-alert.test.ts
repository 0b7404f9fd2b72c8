import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../notifier';
import { buildCapAlert, capTime } from './cap-alert';

const XSD = fileURLToPath(new URL('./schema/CAP-v1.2.xsd', import.meta.url));
const HAVE_XMLLINT = spawnSync('xmllint', ['--version']).status === 0;

/** Runs xmllint on the document from stdin (CI installs Debian libxml2-utils). */
function xmllint(args: string[], xml: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('xmllint', [...args, '-']);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(xml);
  });
}

async function expectValidCap(xml: string) {
  const r = await xmllint(['--noout', '--schema', XSD], xml);
  expect(r.stderr).toMatch(/validates/);
  expect(r.code, r.stderr).toBe(0);
}

/** Text content of the first CAP element `name` (optionally inside the info of `lang`). */
async function capValue(xml: string, name: string, lang?: string): Promise<string> {
  const info = lang ? `//*[local-name()='info'][*[local-name()='language']='${lang}']` : '';
  const r = await xmllint(['--xpath', `string((${info}//*[local-name()='${name}'])[1])`], xml);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.replace(/\n$/, ''); // xmllint ends its output with a newline
}

function notification(over: Partial<Notification> = {}, subject: Partial<Notification['subject']> = {}): Notification {
  return {
    id: 'ntf-cap-1', channel: 'cap', purpose: 'alarm', target: 'arc', attempt: 1,
    createdAt: '2026-11-26T15:00:00.123Z',
    recipient: { id: 'arc' },
    subject: {
      alarmId: 'alm-42', kind: 'panic', state: 'raised', drill: false, raisedAt: '2026-11-26T14:59:58.000Z',
      site: { id: 'oslo', name: 'Trygg AS Oslo', address: 'Storgata 1, 0155 Oslo' },
      room: { id: 'r3', name: 'Møterom 3', floor: '2' },
      ...subject,
    },
    ...over,
  };
}

describe.runIf(HAVE_XMLLINT)('CAP 1.2 alerts validate against the OASIS schema', () => {
  it('the validator is real: it rejects a "Z" time and an unknown status', async () => {
    const good = buildCapAlert(notification());
    for (const bad of [good.replace(/<sent>[^<]+<\/sent>/, '<sent>2026-11-26T15:00:00Z</sent>'), good.replace('<status>Actual<', '<status>Real<')]) {
      const r = await xmllint(['--noout', '--schema', XSD], bad);
      expect(r.code).not.toBe(0);
    }
  });

  it('alarm: Actual Alert, Restricted, two languages, numeric-offset times, circle from the position', async () => {
    const xml = buildCapAlert(notification({}, { location: { lat: 59.913868, lon: 10.752245, accuracyM: 25 } }), { sender: 'trygg@{siteId}.example.no' });
    await expectValidCap(xml);
    expect(await capValue(xml, 'identifier')).toBe('ntf-cap-1');
    expect(await capValue(xml, 'sender')).toBe('trygg@oslo.example.no');
    expect(await capValue(xml, 'sent')).toBe('2026-11-26T15:00:00+00:00');
    expect(await capValue(xml, 'status')).toBe('Actual');
    expect(await capValue(xml, 'msgType')).toBe('Alert');
    expect(await capValue(xml, 'scope')).toBe('Restricted');
    expect(await capValue(xml, 'restriction')).toMatch(/emergency services/);
    expect(await capValue(xml, 'incidents')).toBe('alm-42');
    expect(await capValue(xml, 'severity', 'nb-NO')).toBe('Extreme');
    expect(await capValue(xml, 'onset', 'en-US')).toBe('2026-11-26T14:59:58+00:00');
    expect(await capValue(xml, 'event', 'nb-NO')).toBe('Overfallsalarm');
    expect(await capValue(xml, 'event', 'en-US')).toBe('Panic alarm');
    expect(await capValue(xml, 'headline', 'en-US')).toBe('Panic alarm – Trygg AS Oslo, Møterom 3, floor 2');
    expect(await capValue(xml, 'description', 'nb-NO')).toContain('Tid: 26.11.2026 kl. 15:59:58 (Europe/Oslo, UTC+1)');
    expect(await capValue(xml, 'areaDesc', 'nb-NO')).toBe('Trygg AS Oslo, Storgata 1, 0155 Oslo – Møterom 3, 2. etasje');
    expect(await capValue(xml, 'circle', 'en-US')).toBe('59.913868,10.752245 0.025');
  });

  it('drill: Exercise with a note; technical alarm without position is Severe and has no circle', async () => {
    const xml = buildCapAlert(notification({}, { drill: true, kind: 'technical', room: undefined }));
    await expectValidCap(xml);
    expect(await capValue(xml, 'status')).toBe('Exercise');
    expect(await capValue(xml, 'note')).toMatch(/^ØVELSE \/ DRILL/);
    expect(await capValue(xml, 'headline', 'nb-NO')).toBe('ØVELSE / DRILL: Teknisk alarm – Trygg AS Oslo');
    expect(await capValue(xml, 'severity', 'en-US')).toBe('Severe');
    expect(xml).not.toContain('<circle>');
  });

  it('restore: Cancel referencing the original alert, AllClear, Private scope with addresses', async () => {
    const xml = buildCapAlert(notification({ id: 'ntf-cap-2', purpose: 'restore' }, { state: 'resolved' }), {
      scope: 'Private', addresses: ['arc@securitas.example', 'Vakt sentral'],
      references: [{ sender: 'trygg@oslo', identifier: 'ntf-cap-1', sent: '2026-11-26T15:00:00Z' }],
    });
    await expectValidCap(xml);
    expect(await capValue(xml, 'msgType')).toBe('Cancel');
    expect(await capValue(xml, 'scope')).toBe('Private');
    expect(await capValue(xml, 'addresses')).toBe('arc@securitas.example "Vakt sentral"');
    expect(await capValue(xml, 'references')).toBe('trygg@oslo,ntf-cap-1,2026-11-26T15:00:00+00:00');
    expect(await capValue(xml, 'responseType', 'en-US')).toBe('AllClear');
    expect(await capValue(xml, 'urgency', 'en-US')).toBe('Past');
    expect(await capValue(xml, 'headline', 'nb-NO')).toBe('Avsluttet: Overfallsalarm – Trygg AS Oslo, Møterom 3, 2. etasje');
    expect(xml).not.toContain('<restriction>');
  });

  it('evacuation: the assembly point from subject.text is the instruction, per language', async () => {
    const xml = buildCapAlert(notification({ purpose: 'evacuation' }, {
      kind: 'evacuation',
      text: { nb: 'Gå til møteplassen ved flaggstanga.', en: 'Go to the assembly point at the flagpole.' },
    }));
    await expectValidCap(xml);
    expect(await capValue(xml, 'responseType', 'nb-NO')).toBe('Evacuate');
    expect(await capValue(xml, 'instruction', 'nb-NO')).toBe('Gå til møteplassen ved flaggstanga.');
    expect(await capValue(xml, 'instruction', 'en-US')).toBe('Go to the assembly point at the flagpole.');
    expect(await capValue(xml, 'headline', 'en-US')).toBe('EVACUATION – Trygg AS Oslo, Møterom 3, floor 2');
  });

  it('hostile text is escaped: it validates and reads back unchanged', async () => {
    const evil = `</headline><x>&amp; "quoted" 'single' ]]> <![CDATA[`;
    const xml = buildCapAlert(
      notification({ id: 'id with, spaces<&' }, {
        site: { id: 'o s<lo', name: `Site ${evil}`, address: `Gate & "1"` },
        room: { id: 'r', name: `<Room>` },
        person: `Ola\u0000 \u0007Nordmann\r\nBcc: x`,
        text: { nb: `Møteplass <B> & 'C'`, en: `Assembly <B> & "C"` },
      }),
      { restriction: `<only> & "us"`, sender: `a,b <c>&d@{siteId}` },
    );
    await expectValidCap(xml);
    expect(xml).not.toContain('<x>');
    expect(await capValue(xml, 'senderName', 'nb-NO')).toBe(`Site ${evil}`);
    expect(await capValue(xml, 'restriction')).toBe(`<only> & "us"`);
    expect(await capValue(xml, 'instruction', 'en-US')).toBe(`Assembly <B> & "C"`);
    expect(await capValue(xml, 'areaDesc', 'en-US')).toBe(`Site ${evil}, Gate & "1" – <Room>`);
    // CAP 1.2 §3.2.1: no spaces, commas, "<" or "&" in identifier and sender.
    expect(await capValue(xml, 'identifier')).toBe('id_with_spaces_');
    expect(await capValue(xml, 'sender')).toBe('a_b_c>_d@o_s_lo');
    expect(await capValue(xml, 'description', 'nb-NO')).toContain('Person: Ola Nordmann Bcc: x');
  });
});

describe('CAP building rules', () => {
  it('times carry a numeric offset and no fraction', () => {
    expect(capTime('2026-11-26T16:00:00.999+01:00')).toBe('2026-11-26T15:00:00+00:00');
    expect(() => capTime('yesterday')).toThrow(/not a timestamp/);
  });

  it('Private scope without addresses is refused', () => {
    expect(() => buildCapAlert(notification(), { scope: 'Private' })).toThrow(/addresses/);
  });

  it('the same notification gives the same bytes (a retry resends an identical alert)', () => {
    expect(buildCapAlert(notification())).toBe(buildCapAlert(notification()));
  });

  it('xmllint is installed (CI: apt-get install libxml2-utils)', () => {
    expect(HAVE_XMLLINT, 'xmllint not found: install the Debian package libxml2-utils').toBe(true);
  });
});

describe('CAP Cancel', () => {
  it('a Cancel names every alert it cancels in <references>: sender,identifier,sent each, from the pipeline', () => {
    const earlier = [{ id: 'ntf-a', createdAt: '2026-11-26T15:00:00.000Z' }, { id: 'ntf-b', createdAt: '2026-11-26T15:01:00.250Z' }];
    const cancel = buildCapAlert({ ...notification({ id: 'ntf-c', purpose: 'restore' }, { state: 'resolved' }), earlier });
    expect(cancel).toContain('<msgType>Cancel</msgType>');
    expect(cancel).toContain('<references>trygg@oslo,ntf-a,2026-11-26T15:00:00+00:00 trygg@oslo,ntf-b,2026-11-26T15:01:00+00:00</references>');
    // Only a Cancel refers back; an alert handed earlier messages does not.
    expect(buildCapAlert({ ...notification({ id: 'ntf-d' }), earlier })).not.toContain('<references>');
  });
});

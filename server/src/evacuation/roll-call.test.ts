import { describe, expect, it } from 'vitest';
import { checkConfigReferences } from '../config/config-references';
import { loadConfigFile } from '../config/load-config';
import { DEMO_CONFIG } from '../environment';
import { consoleBanner, evacuationTexts, fillTemplate } from './evacuation-templates';
import { countRollCall, parseReply, rollCallState, samePhone } from './roll-call';

describe('roll-call replies', () => {
  it.each([
    ['TRYGG OK', 'safe'], ['  trygg ok, kom meg ut', 'safe'], ['Trygg  OK!', 'safe'], ['OK', 'safe'], ['ok.', 'safe'], ['TRYGG', 'safe'],
    ['HJELP', 'needs-help'], ['trygg hjelp sitter fast', 'needs-help'], ['help', 'needs-help'],
    // Anything unclear is no answer: a wrong "safe" could leave someone behind.
    ['TRYGG IKKE OK', undefined], ['TRYGG OKAY?', undefined], ['okay', undefined], ['ikke ok', undefined], ['', undefined], ['TRYGG OKKK', undefined],
  ] as const)('SMS %j means %s', (text, answer) => {
    expect(parseReply({ text })).toBe(answer);
  });

  it('voice: 1 is safe, 2 asks for help, anything else is no answer', () => {
    expect(parseReply({ keypress: '1' })).toBe('safe');
    expect(parseReply({ keypress: '2' })).toBe('needs-help');
    expect(parseReply({ keypress: '9' })).toBeUndefined();
  });

  it('matches phone numbers with and without country code, never on a few digits', () => {
    expect(samePhone('+47 900 00 001', '4790000001')).toBe(true);
    expect(samePhone('+47 900 00 001', '90000001')).toBe(true);
    expect(samePhone('0047 90000001', '+4790000001')).toBe(true);
    expect(samePhone('+47 900 00 001', '+47 900 00 002')).toBe(false);
    expect(samePhone('+47 112', '+47112')).toBe(true);
    expect(samePhone('+47 900 00 112', '112')).toBe(false);
    expect(samePhone(undefined, '112')).toBe(false);
  });

  it('unreached: every channel failed and no console; pending still counts as reaching them', () => {
    expect(rollCallState({}, [{ state: 'failed' }, { state: 'failed' }])).toBe('unreached');
    expect(rollCallState({}, [])).toBe('unreached');
    expect(rollCallState({}, [{ state: 'failed' }, { state: 'pending' }])).toBe('unanswered');
    expect(rollCallState({ answer: 'safe' }, [{ state: 'failed' }])).toBe('safe');
    expect(rollCallState({ answer: 'needs-help' }, [])).toBe('needs-help');
    expect(countRollCall(['safe', 'unreached', 'unanswered', 'needs-help', 'safe'])).toEqual({ total: 5, safe: 2, needsHelp: 1, unanswered: 1, unreached: 1 });
  });
});

describe('evacuation texts', () => {
  const site = () => structuredClone(loadConfigFile(DEMO_CONFIG)).sites[0]!;

  it('fills the templates with the assembly point and the free text, and tidies what an empty value leaves', () => {
    const s = { ...site(), evacuation: { assemblyPoint: { nb: 'Parken', en: 'The park' }, templates: { sms: { nb: 'UT AV {site} NÅ. Møt ved {assemblyPoint}. {message}', en: 'OUT of {site}. Meet at {assemblyPoint}. {message}' } } } };
    expect(evacuationTexts(s, 'Gass i kjelleren').sms).toEqual({ nb: 'UT AV Demokontoret NÅ. Møt ved Parken. Gass i kjelleren', en: 'OUT of Demokontoret. Meet at The park. Gass i kjelleren' });
    expect(evacuationTexts(s).sms.nb).toBe('UT AV Demokontoret NÅ. Møt ved Parken.');
    expect(evacuationTexts(s).banner.en).toBe('EVACUATION: Leave the building now by the nearest emergency exit. Go to the assembly point: The park.');
    expect(fillTemplate('A {message} . B\n\n{message}C', { message: '' })).toBe('A. B\n\nC');
  });

  it('without settings: the emergency plan\'s assembly point; drills are marked first on the banner', () => {
    const texts = evacuationTexts(site());
    expect(texts.banner.nb).toContain('møteplassen: ikke angitt – se beredskapsplanen.');
    expect(consoleBanner(texts, true).nb).toMatch(/^ØVELSE \/ DRILL: EVAKUERING/);
    expect(consoleBanner(texts, false)).toBe(texts.banner);
  });

  it('the configuration refuses unknown placeholders and a portable alarm that would trigger an evacuation', () => {
    const config = structuredClone(loadConfigFile(DEMO_CONFIG));
    const s = config.sites[0]!;
    s.evacuation = { assemblyPoint: { nb: 'P', en: 'P' }, templates: { banner: { nb: 'Gå til {assemblypoint}', en: 'Go to {assemblyPoint}' } } };
    s.devices.push({ id: 'pocket', type: 'portable', gatewayId: 'demo-gw', triggersEvacuation: true });
    expect(checkConfigReferences(config)).toEqual([
      expect.stringMatching(/^sites\.0\.devices\.\d+\.triggersEvacuation: only a fixed device/),
      'sites.0.evacuation.templates.banner.nb: unknown placeholder "{assemblypoint}" ({site}, {address}, {assemblyPoint}, {message})',
    ]);
  });
});

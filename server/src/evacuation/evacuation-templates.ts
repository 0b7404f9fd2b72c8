import type { Bilingual, EvacuationConfig, SiteConfig } from '../config/types';
import { DRILL_MARK } from '../notify/compose-text';
import type { EvacuationTexts } from './evacuation-types';

/**
 * The standard evacuation messages (UMS style), bokmål and English, filled from the site's
 * templates. Pure. What the notifiers add themselves is left out here so it is never doubled:
 * SMS and voice put "ØVELSE / DRILL" first and the reply instruction last (compose-text.ts:
 * "Svar TRYGG OK hvis du er i sikkerhet." / "Trykk 1 hvis du er i sikkerhet ..."); e-mail and
 * CAP mark drills themselves. Only the console banner gets its drill mark here (consoleBanner).
 */
/** A site without an assembly point: every channel says it is missing, never a made-up place. */
export const DEFAULT_ASSEMBLY_POINT: Bilingual = {
  nb: 'ikke angitt – se beredskapsplanen',
  en: 'not set – see the emergency plan',
};

export const DEFAULT_TEMPLATES: Required<NonNullable<EvacuationConfig['templates']>> = {
  banner: {
    nb: 'EVAKUERING: Forlat bygget nå via nærmeste nødutgang. Gå til møteplassen: {assemblyPoint}. {message}',
    en: 'EVACUATION: Leave the building now by the nearest emergency exit. Go to the assembly point: {assemblyPoint}. {message}',
  },
  sms: {
    nb: 'EVAKUERING {site}: Forlat bygget nå via nærmeste nødutgang. Møteplass: {assemblyPoint}. {message}',
    en: 'EVACUATION {site}: Leave the building now by the nearest emergency exit. Assembly point: {assemblyPoint}. {message}',
  },
  phone: {
    nb: 'Evakuering av {site}. Forlat bygget nå via nærmeste nødutgang, og gå til møteplassen: {assemblyPoint}. {message}',
    en: 'Evacuation of {site}. Leave the building now by the nearest emergency exit, and go to the assembly point: {assemblyPoint}. {message}',
  },
  email: {
    nb: 'Forlat bygget nå via nærmeste nødutgang og gå til møteplassen: {assemblyPoint}. {message}\n\n'
      + 'Når du er trygg: trykk «Jeg er trygg» i Trygg-konsollet, eller svar TRYGG OK på SMS-en.',
    en: 'Leave the building now by the nearest emergency exit and go to the assembly point: {assemblyPoint}. {message}\n\n'
      + 'When you are safe: press "I\'m safe" in the Trygg console, or reply TRYGG OK to the text message.',
  },
};

/** Every channel's text for an evacuation of `site`, with the free text `message` if any. */
export function evacuationTexts(site: SiteConfig, message?: string): EvacuationTexts {
  const config = site.evacuation;
  const assemblyPoint = config?.assemblyPoint ?? DEFAULT_ASSEMBLY_POINT;
  const fill = (template: Bilingual): Bilingual => ({
    nb: fillTemplate(template.nb, { site: site.name, address: site.address ?? '', assemblyPoint: assemblyPoint.nb, message: message ?? '' }),
    en: fillTemplate(template.en, { site: site.name, address: site.address ?? '', assemblyPoint: assemblyPoint.en, message: message ?? '' }),
  });
  const templates = { ...DEFAULT_TEMPLATES, ...config?.templates };
  return {
    assemblyPoint,
    banner: fill(templates.banner),
    sms: fill(templates.sms),
    phone: fill(templates.phone),
    email: fill(templates.email),
  };
}

/** The banner as consoles show it: drills say so first. */
export function consoleBanner(texts: EvacuationTexts, drill: boolean): Bilingual {
  if (!drill) return texts.banner;
  return { nb: `${DRILL_MARK}: ${texts.banner.nb}`, en: `${DRILL_MARK}: ${texts.banner.en}` };
}

/** `{name}` placeholders (config-references.ts refuses unknown ones), then tidy spaces an empty value left. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  const text = template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => values[name] ?? whole);
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t]{2,}/g, ' ').replace(/ +([.,:;!?])/g, '$1').trim())
    .join('\n')
    .trim();
}

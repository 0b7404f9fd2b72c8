import type { Bilingual } from '../safety-db';

/*
 * The register's fixed rules, shared by the feature and its routes (in a file of their own so the
 * two do not import each other).
 */

/** The audit trail of lookups is kept this long, then erased too. */
export const AUDIT_RETENTION_DAYS = 730;
/** Shortest reason a lookup accepts ("why are you checking?"). */
export const MIN_REASON_LENGTH = 3;

/** Shown with every answer of the register (and in the console beside the lookup). */
export const LAWFUL_USE_NOTICE: Bilingual = {
  nb:
    'Oppslag er bare tillatt i forbindelse med en konkret forespørsel eller avtale med personen, for å ivareta sikkerheten på kontoret. ' +
    'Hvert oppslag logges med hvem, når og hvorfor, og kontrolleres. Opplysningene er taushetsbelagte og skal ikke brukes til noe annet formål.',
  en:
    'Looking someone up is only allowed in connection with a specific request from, or appointment with, that person, to keep the office safe. ' +
    'Every lookup is logged with who, when and why, and is checked. The information is confidential and must not be used for any other purpose.',
};

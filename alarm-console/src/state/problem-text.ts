// The server checks every configuration change like the configuration file and answers with
// problems in its own words, `path: message` in English (schema keywords such as
// `must match pattern "^[a-z0-9]…"`, or reference checks such as `unknown zone "x"`). The manager
// reads them here in the console's language: each known kind of message has a text in the
// dictionaries; one we do not know yet reads as a plain "not accepted" in bokmål (English shows
// the server's own words).
import { getLanguage, t } from '../i18n/i18n';

/** Fields that hold ids (the id pattern is what the server means by "must match pattern" there). */
const ID_FIELDS = /^(id|username|zoneId|roomId|gatewayId|chainId|defaultChain|stations|zones|sites)$/;

type Rule = [RegExp, (m: RegExpMatchArray, field: string | undefined) => string];

const RULES: Rule[] = [
  [/^must match pattern "/, (_m, field) => (field && ID_FIELDS.test(field) ? t('problem.idPattern') : t('problem.pattern'))],
  [/^must NOT have fewer than 1 characters?$/, () => t('problem.required')],
  [/^must NOT have fewer than (\d+) characters?$/, (m) => t('problem.minLength', { count: Number(m[1]) })],
  [/^must NOT have more than (\d+) characters?$/, (m) => t('problem.maxLength', { count: Number(m[1]) })],
  [/^must NOT have fewer than (\d+) items?$/, (m) => t('problem.minItems', { count: Number(m[1]) })],
  [/^must NOT have more than (\d+) items?$/, (m) => t('problem.maxItems', { count: Number(m[1]) })],
  [/^must be >= (-?[\d.]+)$/, (m) => t('problem.minimum', { limit: Number(m[1]) })],
  [/^must be > (-?[\d.]+)$/, (m) => t('problem.above', { limit: Number(m[1]) })],
  [/^must be <= (-?[\d.]+)$/, (m) => t('problem.maximum', { limit: Number(m[1]) })],
  [/^must be < (-?[\d.]+)$/, (m) => t('problem.below', { limit: Number(m[1]) })],
  [/^must be (integer)$/, () => t('problem.integer')],
  [/^must be (number)$/, () => t('problem.number')],
  [/^must be (string|boolean|array|object|null)(,.*)?$/, () => t('problem.type')],
  [/^must have required property /, () => t('problem.required')],
  [/^must be one of (.+)$/, (m) => t('problem.oneOf', { values: m[1]! })],
  [/^must be equal to one of the allowed values$/, () => t('problem.notAllowed')],
  [/^must NOT have additional properties$/, () => t('problem.unknownField')],
  [/^must NOT have duplicate items/, () => t('problem.duplicateItems')],
  [/^must match format "([^"]+)"$/, () => t('problem.format')],
  [/^duplicate [\w ]+ "(.+)"$/, (m) => t('problem.duplicate', { id: m[1]! })],
  [/^station "(.+)" is already defined in site "(.+)"$/, (m) => t('problem.duplicate', { id: m[1]! })],
  [/^MQTT username "(.+)" is already used/, (m) => t('problem.duplicate', { id: m[1]! })],
  [/^unknown [\w ]+ "(.*)"$/, (m) => t('problem.unknown', { value: m[1]! })],
  [/^a panic-button needs a room$/, () => t('problem.deviceNeedsRoom')],
  [/^station ".+" has the discreet panic button, so it needs the room it stands in$/, () => t('problem.stationNeedsRoom')],
  [/^a group needs stations or zones$/, () => t('problem.groupNeedsMembers')],
  [/^a new user needs a password/, () => t('problem.passwordNeeded')],
  [/^a published demo password cannot be used$/, () => t('problem.publishedPassword')],
];

/** The text for one server problem message; `field` is the field it is about, if known. */
export function problemText(message: string, field?: string): string {
  for (const [pattern, text] of RULES) {
    const m = message.match(pattern);
    if (m) return text(m, field);
  }
  return getLanguage() === 'en' ? message : t('problem.other');
}

/** A problem about something other than the form's fields: its path (language-neutral) and the text. */
export function generalProblemText(problem: string): string {
  const colon = problem.indexOf(': ');
  if (colon <= 0) return problemText(problem);
  const path = problem.slice(0, colon);
  return `${path}: ${problemText(problem.slice(colon + 2), path.split('.').at(-1))}`;
}

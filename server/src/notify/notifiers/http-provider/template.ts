import { TryggError } from '../../../errors';

/**
 * Templates of the HTTP provider: `{{name}}` is a value of the notification, `${secret:NAME}` a
 * configured secret. Both are substituted in one pass over the template, so a value (a person's
 * name, free text) that itself looks like `${secret:API_KEY}` is sent as written, never expanded.
 */
export const TEMPLATE_VARIABLES = [
  'id', 'attempt', 'phone', 'text', 'channel', 'target', 'purpose', 'alarmId', 'language', 'recipientId', 'recipientName', 'drill',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

const TOKEN = /\$\{secret:([A-Za-z0-9_.-]+)\}|\{\{\s*([A-Za-z]+)\s*\}\}/g;

export type Escape = (value: string) => string;

export const escapes = {
  /** Inside a JSON string literal written in the template: `"text": "{{text}}"`. */
  json: (v: string) => JSON.stringify(v).slice(1, -1),
  form: (v: string) => encodeURIComponent(v),
  url: (v: string) => encodeURIComponent(v),
  text: (v: string) => v,
  /** Header values: no line breaks (header injection). */
  header: (v: string) => v.replace(/[\r\n]+/g, ' '),
} satisfies Record<string, Escape>;

/** Checks a template at load time: every secret is configured, every variable known. */
export function checkTemplate(template: string, secrets: Record<string, string>, where: string): void {
  for (const m of template.matchAll(TOKEN)) {
    if (m[1] !== undefined && !(m[1] in secrets)) {
      throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [`${where}: secret "${m[1]}" is not configured`]);
    }
    if (m[2] !== undefined && !(TEMPLATE_VARIABLES as readonly string[]).includes(m[2])) {
      throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [`${where}: unknown template variable "{{${m[2]}}}" (known: ${TEMPLATE_VARIABLES.join(', ')})`]);
    }
  }
}

export function render(template: string, values: Partial<Record<TemplateVariable, string>>, secrets: Record<string, string>, escape: Escape): string {
  return template.replace(TOKEN, (_all, secret: string | undefined, name: string | undefined) =>
    escape(secret !== undefined ? secrets[secret] ?? '' : values[name as TemplateVariable] ?? ''));
}

/** Whether a template refers to a secret (its rendered value, e.g. a whole `Basic …` header, is then redacted too). */
export function usesSecret(template: string): boolean {
  return /\$\{secret:/.test(template);
}

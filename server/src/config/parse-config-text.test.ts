import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseWithYamlLibrary } from 'yaml';
import { DEMO_CONFIG } from '../environment';
import { ConfigTextError, MAX_CONFIG_ALIAS_VALUES, parseConfigText } from './parse-config-text';

const seed = (name: string) => readFileSync(new URL(`../../../fuzz/seeds/${name}`, import.meta.url), 'utf8');

describe('parseConfigText', () => {
  it('reads the offices we ship exactly as the yaml library does (YAML 1.2 core schema)', () => {
    for (const text of [readFileSync(DEMO_CONFIG, 'utf8'), seed('config-full-office.yaml'), seed('config-small-office.yaml')]) {
      expect(parseConfigText(text)).toEqual(parseWithYamlLibrary(text));
    }
  });

  it('keeps core-schema scalars: no timestamps, octal-looking strings stay numbers only where YAML 1.2 says so', () => {
    expect(parseConfigText('a: 2026-12-03\nb: 0o17\nc: 017\nd: yes\ne: ~\nf: .inf')).toEqual(parseWithYamlLibrary('a: 2026-12-03\nb: 0o17\nc: 017\nd: yes\ne: ~\nf: .inf'));
  });

  it('stops at the first syntax error with its position, on one line', () => {
    const err = catchError(() => parseConfigText('sites:\n' + '- { '.repeat(3000)));
    expect(err).toBeInstanceOf(ConfigTextError);
    expect(err.message).toMatch(/\(\d+:\d+\)$/);
    expect(err.message).not.toContain('\n');
  });

  it('refuses a key given twice', () => {
    expect(catchError(() => parseConfigText('version: 1\nversion: 2\n')).message).toMatch(/duplicated mapping key/);
  });

  it('refuses nesting deeper than any configuration needs', () => {
    expect(catchError(() => parseConfigText('['.repeat(30_000))).message).toMatch(/maxDepth/);
  });

  it('refuses a document whose aliases expand past the limit (billion laughs), before anything walks it', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    const err = catchError(() => parseConfigText(lines.join('\n')));
    expect(err).toBeInstanceOf(ConfigTextError);
    expect(err.message).toContain(MAX_CONFIG_ALIAS_VALUES.toLocaleString('en'));
  });

  it('reads a large office whatever its own size: 40,000 devices are far more values than the alias budget', () => {
    const devices = Array.from({ length: 40_000 }, (_, i) => `  - { id: d-${i}, name: Knapp ${i}, type: panic-button, roomId: r-${i % 50}, gatewayId: gw-${i % 4} }`);
    const data = parseConfigText(`devices:\n${devices.join('\n')}\n`) as { devices: unknown[] };
    expect(data.devices).toHaveLength(40_000);
  });

  it('accepts anchors and aliases within the limit', () => {
    expect(parseConfigText('base: &b { afterSeconds: 30 }\nsteps: [*b, *b]')).toEqual({ base: { afterSeconds: 30 }, steps: [{ afterSeconds: 30 }, { afterSeconds: 30 }] });
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

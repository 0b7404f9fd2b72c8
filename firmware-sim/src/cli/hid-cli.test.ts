import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHidArgs, runHid } from './hid-cli';

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), interrupted: () => new Promise<void>(() => {}) } };
};

describe('sim hid', () => {
  it('parses stream and replay, and explains what is wrong', () => {
    expect(parseHidArgs(['stream', 'trygg-panic-v1'])).toMatchObject({ action: 'stream', holdMs: 800, keyCode: 0x68 });
    expect(parseHidArgs(['replay', 'pcsensor-footswitch', 'f.json', '--key', '0x05'])).toMatchObject({ action: 'replay', keyCode: 5 });
    expect(parseHidArgs(['stream', 'nope'])).toContain('must be one of');
    expect(parseHidArgs(['replay', 'trygg-panic-v1'])).toBe('hid replay: missing <file>');
    expect(parseHidArgs(['stream', 'trygg-panic-v1', '--hold-ms', '0'])).toContain('--hold-ms');
  });

  it('writes a stream and reads it back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-hid-cli-'));
    try {
      const file = join(dir, 'pedal.json');
      const cmd = parseHidArgs(['stream', 'pcsensor-footswitch', '--bounce', '--hold-ms', '500', '--out', file]);
      const w = io();
      expect(typeof cmd === 'string' ? cmd : runHid(cmd, w.io)).toBe(0);
      expect(JSON.parse(readFileSync(file, 'utf8')).reports).toHaveLength(4);

      const r = io();
      const replay = parseHidArgs(['replay', 'pcsensor-footswitch', file]);
      expect(typeof replay === 'string' ? replay : runHid(replay, r.io)).toBe(0);
      expect(r.out.map((l) => /\b(pressed|released)\b/.exec(l)?.[1])).toEqual(['pressed', 'released', 'pressed', 'released']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says so when the file cannot be read', () => {
    const r = io();
    expect(runHid({ kind: 'hid', action: 'replay', model: 'trygg-panic-v1', file: '/nonexistent.json', keyCode: 0x68 }, r.io)).toBe(1);
    expect(r.err[0]).toContain('cannot read report stream');
  });
});

import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv';
import { parseCsv } from './incidents-test-kit';

describe('CSV export cells', () => {
  it('quotes commas, quotes and line breaks, doubling quotes (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('sa "hei"')).toBe('"sa ""hei"""');
    expect(csvCell('linje 1\nlinje 2')).toBe('"linje 1\nlinje 2"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(3)).toBe('3');
    expect(csvCell(false)).toBe('false');
  });

  it('guards cells that a spreadsheet would run as a formula', () => {
    for (const bad of ['=cmd|\' /C calc\'!A0', '+SUM(1,2)', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
      const cell = csvCell(bad);
      const value = parseCsv(`${cell}\r\n`)[0]![0]!;
      expect(value, bad).toBe(`'${bad}`);
    }
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvCell('e-post: a=b')).toBe('e-post: a=b');
  });

  it('round-trips through a CSV reader with CRLF rows', () => {
    const rows = [['x', 'a,"b"\nc', null, 7]];
    const text = toCsv(['h1', 'h2', 'h3', 'h4'], rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual([['h1', 'h2', 'h3', 'h4'], ['x', 'a,"b"\nc', '', '7']]);
  });
});

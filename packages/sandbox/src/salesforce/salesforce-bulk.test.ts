import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from './salesforce-bulk.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('Name,Note\r\n"Acme, Inc","say ""hi""\nthere"\r\nPlain,\n')).toEqual([
      ['Name', 'Note'],
      ['Acme, Inc', 'say "hi"\nthere'],
      ['Plain', ''],
    ]);
  });

  it('ignores a byte order mark, blank lines and a missing final line break', () => {
    expect(parseCsv('\uFEFFId\n\n001\n002')).toEqual([['Id'], ['001'], ['002']]);
  });

  it('refuses a quoted field that is never closed', () => {
    expect(() => parseCsv('Name\n"open')).toThrow('a quoted field is not closed');
  });
});

describe('toCsv', () => {
  it('quotes every field and doubles quotes, so that parseCsv reads it back', () => {
    const rows = [
      ['sf__Id', 'Name'],
      ['00Q5g0000000001EAA', 'He said "no", twice\nthen left'],
    ];
    const text = toCsv(rows);
    expect(text).toBe('"sf__Id","Name"\n"00Q5g0000000001EAA","He said ""no"", twice\nthen left"\n');
    expect(parseCsv(text)).toEqual(rows);
    expect(toCsv([])).toBe('');
  });
});

import { csvCell } from './audit-csv';

test('every cell is quoted, quotes doubled, and formula-like text starts with an apostrophe', () => {
  expect(csvCell('plain')).toBe('"plain"');
  expect(csvCell('')).toBe('""');
  expect(csvCell('say "hi", twice')).toBe('"say ""hi"", twice"');
  for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}SUM(A1)`)).toBe(`"'${start}SUM(A1)"`);
  expect(csvCell('a=b')).toBe('"a=b"');
  expect(csvCell('line one\nline two')).toBe('"line one\nline two"');
});

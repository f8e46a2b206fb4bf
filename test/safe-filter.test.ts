import fs from 'node:fs';
import path from 'node:path';

// Templates auto-escape (SECURITY.md 17); `| safe` and its relatives switch that off. Each use must be on a value the
// server builds itself, never on user data, and is listed here with the reason it is safe. A new one fails this test.
const ALLOWED: Record<string, string> = {
  'src/auth/views/two-factor-set-up.njk: qrCode': 'an SVG the qrcode library draws from the otpauth URL the server made',
  'src/reports/views/analysis.njk: view.sectorChart': 'an SVG built by reports/charts.ts, which escapes every text (escapeXml)',
  'src/reports/views/analysis.njk: view.barrierChart': 'an SVG built by reports/charts.ts, which escapes every text (escapeXml)',
};

const ROOT = path.resolve(__dirname, '..');

function filesUnder(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full, ext);
    return entry.name.endsWith(ext) ? [full] : [];
  });
}

const relative = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');

/** Every `{{ expression | safe }}` in a template, as `file: expression`. */
function safeUses(file: string, text: string): string[] {
  const uses: string[] = [];
  for (const output of text.matchAll(/\{\{-?([\s\S]*?)-?\}\}/g)) {
    const filters = (output[1] ?? '').split(/\|(?!\|)/).map((part) => part.trim());
    if (filters.slice(1).some((f) => /^safe\b/.test(f))) uses.push(`${relative(file)}: ${filters[0]}`);
  }
  return uses;
}

const templates = filesUnder(path.join(ROOT, 'src'), '.njk');

test('the scan finds the templates and recognises every way of writing the filter', () => {
  expect(templates.length).toBeGreaterThan(50);
  const probe = path.join(ROOT, 'src/probe.njk');
  expect(safeUses(probe, '{{ a | safe }} {{b|safe}} {{- c | trim | safe -}} {{ d | escape }} {{ "x" if e else f | safe }}')).toEqual([
    'src/probe.njk: a',
    'src/probe.njk: b',
    'src/probe.njk: c',
    'src/probe.njk: "x" if e else f',
  ]);
});

test('`| safe` appears only on the allow-listed, server-built values', () => {
  const uses = templates.flatMap((file) => safeUses(file, fs.readFileSync(file, 'utf8')));
  expect(uses.filter((use) => !(use in ALLOWED))).toEqual([]);
  // An entry that no longer matches a use is taken off the list, so the list stays true.
  expect(Object.keys(ALLOWED).filter((use) => !uses.includes(use))).toEqual([]);
});

test('no template turns escaping off another way', () => {
  const offenders = templates.filter((file) => /\{%-?\s*(autoescape\s+false|filter\s+safe)\b/.test(fs.readFileSync(file, 'utf8')));
  expect(offenders.map(relative)).toEqual([]);
});

test('no code marks strings as safe HTML for the templates', () => {
  const code = filesUnder(path.join(ROOT, 'src'), '.ts').filter((file) => !file.endsWith('.test.ts'));
  const offenders = code.filter((file) => /\bmarkSafe\s*\(|\bSafeString\b/.test(fs.readFileSync(file, 'utf8')));
  expect(offenders.map(relative)).toEqual([]);
});

test('the template engine escapes by default', () => {
  const views = fs.readFileSync(path.join(ROOT, 'src/platform/views.ts'), 'utf8');
  expect(views).toMatch(/autoescape:\s*true/);
});

import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The shape of the house, checked on every run: no import circle, platform and db at the bottom,
 * auth a leaf above them, and features reaching each other only through their index.ts.
 */

const SRC = path.resolve(__dirname, '..', 'src');
const FEATURES = ['auth', 'suppliers', 'tenders', 'questionnaires', 'reports', 'alerts'] as const;
const BOTTOM = ['platform', 'db'];
const AUTH_MAY_IMPORT = ['auth', 'platform', 'db', 'config.ts'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** A relative import as the file it names (TypeScript's resolution for local files), or null for a package. */
function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base, `${base}.ts`, path.join(base, 'index.ts')];
  const found = candidates.find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
  if (!found) throw new Error(`${rel(from)} imports "${specifier}", which names no file`);
  return found;
}

const rel = (file: string) => path.relative(SRC, file).split(path.sep).join('/');
/** The top folder of a file named from src/ ("tenders"), or its own name for a file at the top ("app.ts"). */
const areaOf = (file: string) => file.split('/')[0]!;
const isFeature = (area: string): area is (typeof FEATURES)[number] => (FEATURES as readonly string[]).includes(area);

/** Every import, `import type`, re-export and `import()` of each file, as resolved files under src/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles.map((f) => resolveImport(file, f.fileName)).filter((t): t is string => t !== null);
    graph.set(rel(file), [...new Set(targets.map(rel))]);
  }
  return graph;
}

/** Every import circle, one path for each strongly connected group of files (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indexes = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];

  const visit = (node: string) => {
    indexes.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexes.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indexes.get(next)!));
      }
    }
    if (low.get(node) === indexes.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || (graph.get(node) ?? []).includes(node)) groups.push(group);
    }
  };
  for (const node of graph.keys()) if (!indexes.has(node)) visit(node);

  // A shortest way from the group's first file back to itself, to show one circle plainly.
  return groups.map((group) => {
    const members = new Set(group);
    const start = [...group].sort()[0]!;
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const node = queue.shift()!;
      for (const next of graph.get(node) ?? []) {
        if (!members.has(next)) continue;
        if (next === start) {
          const circle = [start];
          for (let at: string | undefined = node; at && at !== start; at = previous.get(at)) circle.splice(1, 0, at);
          return [...circle, start];
        }
        if (!previous.has(next)) {
          previous.set(next, node);
          queue.push(next);
        }
      }
    }
    return [...group, group[0]!];
  });
}

const graph = importGraph();
const edges = [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));
const show = (e: { from: string; to: string }) => `${e.from} -> ${e.to}`;

test('the import graph was read (a sanity check on the parser)', () => {
  expect(graph.size).toBeGreaterThan(50);
  expect(graph.get('app.ts')).toEqual(expect.arrayContaining(['config.ts']));
});

test('no import circle in src/', () => {
  expect(cycles(graph).map((circle) => circle.join(' -> '))).toEqual([]);
});

test('platform/ and db/ import no feature', () => {
  const wrong = edges.filter((e) => BOTTOM.includes(areaOf(e.from)) && isFeature(areaOf(e.to)));
  expect(wrong.map(show)).toEqual([]);
});

test('auth imports only platform, db and config', () => {
  const wrong = edges.filter((e) => areaOf(e.from) === 'auth' && !AUTH_MAY_IMPORT.includes(areaOf(e.to)));
  expect(wrong.map(show)).toEqual([]);
});

test('a feature is reached from outside only through its index.ts', () => {
  const wrong = edges.filter((e) => {
    const target = areaOf(e.to);
    return isFeature(target) && areaOf(e.from) !== target && e.to !== `${target}/index.ts`;
  });
  expect(wrong.map(show)).toEqual([]);
});

/** Every template a template extends, includes or imports by name, as [template, named] pairs from src/. */
function templateReferences(dir: string): [string, string][] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return templateReferences(full);
    if (!entry.name.endsWith('.njk')) return [];
    const text = fs.readFileSync(full, 'utf8');
    return [...text.matchAll(/\{%-?\s*(?:extends|include|import|from)\s+"([^"]+)"/g)].map((m): [string, string] => [rel(full), m[1]!]);
  });
}

test('a template uses only GOV.UK Frontend, platform and its own feature’s templates', () => {
  const references = templateReferences(SRC);
  expect(references.length).toBeGreaterThan(50);
  const wrong = references.filter(([from, named]) => {
    const area = named.split('/')[0]!;
    return area !== 'govuk' && area !== 'platform' && area !== areaOf(from);
  });
  expect(wrong.map(([from, named]) => `${from} -> ${named}`)).toEqual([]);
});

test('the rules catch what they are meant to catch', () => {
  const sample = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', ['d.ts']],
    ['e.ts', ['a.ts']],
  ]);
  expect(cycles(sample)).toEqual(
    expect.arrayContaining([
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['d.ts', 'd.ts'],
    ]),
  );
  expect(cycles(sample)).toHaveLength(2);
  const parsed = ts.preProcessFile(
    "import type { A } from './a';\nexport { B } from './b';\nexport * from './c';\nimport './d';\nconst e = import('./e');",
    true,
    true,
  );
  expect(parsed.importedFiles.map((f) => f.fileName)).toEqual(['./a', './b', './c', './d', './e']);
});

import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Every read of a collection that grows is bounded: each `find`, `distinct` and `aggregate` in src/ either stops
 * (`.limit(`, a `limit` option), streams (`.cursor()`, read a batch at a time), asks only for the ids it is given
 * (`$in`), or says why it is bounded in a `// bounded:` comment just before it. A new unbounded read fails here.
 */

const SRC = path.resolve(__dirname, '..', 'src');
const QUERY_METHODS = new Set(['find', 'distinct', 'aggregate']);
const ARRAY_METHODS = new Set(['map', 'filter', 'flatMap', 'slice', 'sort', 'concat', 'values', 'keys', 'entries', 'from']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

interface Query {
  where: string;
  bounded: boolean;
}

/** A call on an array (a callback, or a receiver that is an array method's result) rather than on a model. */
function onAnArray(call: ts.CallExpression, receiver: ts.Expression): boolean {
  const first = call.arguments[0];
  if (first && (ts.isArrowFunction(first) || ts.isFunctionExpression(first))) return true;
  if (ts.isArrayLiteralExpression(receiver)) return true;
  return (
    ts.isCallExpression(receiver) && ts.isPropertyAccessExpression(receiver.expression) && ARRAY_METHODS.has(receiver.expression.name.text)
  );
}

function queriesIn(file: string): Query[] {
  const text = fs.readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Query[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && QUERY_METHODS.has(node.expression.name.text)) {
      if (!onAnArray(node, node.expression.expression)) {
        // The whole chain: find(...).sort(...).limit(...)...
        const chain: string[] = [];
        let top: ts.Node = node;
        while (
          ts.isPropertyAccessExpression(top.parent) &&
          ts.isCallExpression(top.parent.parent) &&
          top.parent.parent.expression === top.parent
        ) {
          chain.push(top.parent.name.text);
          top = top.parent.parent;
        }
        let statement: ts.Node = top;
        while (statement.parent && !ts.isSourceFile(statement.parent) && !ts.isBlock(statement.parent)) statement = statement.parent;
        const args = node.arguments.map((a) => a.getText(source)).join(' ');
        const before = text.slice(statement.getFullStart(), node.getStart(source));
        const bounded =
          chain.includes('limit') ||
          chain.includes('cursor') ||
          /\blimit:/.test(args) ||
          /\$in\b/.test(args) ||
          /\/\/ bounded: \S/.test(before);
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        found.push({ where: `${path.relative(SRC, file).split(path.sep).join('/')}:${line + 1}`, bounded });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const queries = sourceFiles(SRC).flatMap(queriesIn);

it('finds the reads of the database in src/', () => {
  // The check below means something only if it sees the portal's reads.
  expect(queries.length).toBeGreaterThan(30);
  expect(queries.map((q) => q.where)).toEqual(expect.arrayContaining([expect.stringMatching(/^suppliers\/interests\.service\.ts:/)]));
});

it('bounds every read: a limit, a cursor, a list of ids, or a reason given', () => {
  expect(queries.filter((q) => !q.bounded).map((q) => q.where)).toEqual([]);
});

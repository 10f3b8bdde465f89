/**
 * Reading README.md's samples for test/unit/readme-samples.test.ts (which describes the
 * notations): the ```ts blocks with the markers before them, the values their trailing
 * comments promise, each such statement rewritten into a check (its Database made in-memory),
 * and the names a block declares.
 */
import vm from "node:vm";
import ts from "typescript";

const MARKER = /^<!-- README test: (name|continues) "([^"]+)" -->$/;
const STUBS = /^<!-- README test: stubs ([\w$, ]+) -->$/;
const GIVEN = /^<!-- README test: given ([A-Za-z_$][\w$]*\s*=.+) -->$/;
const SKIP = /^<!-- README test: skip "([^"]+)" -->$/;

export interface Sample {
  /** README line of the opening fence. */
  readonly line: number;
  readonly code: string;
  /** `name "x"` or `continues "x"` from the marker before the block. */
  readonly marker?: { readonly kind: string; readonly name: string };
  /** Names of the reader's own code the block uses (`stubs` marker). */
  readonly stubs: readonly string[];
  /** Declarations the block assumes (`given` markers). */
  readonly givens: readonly string[];
  /** Why the block is not run (`skip` marker). */
  readonly skip?: string;
}

/** The ```ts blocks of the README, with the line each starts on. */
export function readmeSamples(markdown: string): Sample[] {
  const lines = markdown.split("\n");
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== "```ts") continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== "```"; i++) body.push(lines[i]!);
    // The markers in the lines (blank or `<!-- README test: … -->`) right above the fence.
    let marker: RegExpExecArray | null = null;
    let skip: string | undefined;
    const stubs: string[] = [];
    const givens: string[] = [];
    for (let before = start - 1; before >= 0; before--) {
      const text = lines[before]!.trim();
      if (text === "") continue;
      const m = MARKER.exec(text);
      const st = STUBS.exec(text);
      const given = GIVEN.exec(text);
      const sk = SKIP.exec(text);
      if (m) marker = m;
      else if (st) stubs.push(...st[1]!.split(",").map((x) => x.trim()).filter(Boolean));
      else if (given) givens.push(given[1]!);
      else if (sk) skip = sk[1]!;
      else break;
    }
    samples.push({
      line: start + 1,
      code: body.join("\n"),
      stubs,
      givens,
      ...(skip ? { skip } : {}),
      ...(marker ? { marker: { kind: marker[1]!, name: marker[2]! } } : {}),
    });
  }
  return samples;
}

const LITERAL_START = /^(?:["'`[{\d-]|true\b|false\b|null\b|undefined\b|NaN\b|Infinity\b|Set \{|Map \{|new (?:Set|Map|Date)\b)/;

/** The JavaScript source of the value a comment promises, or undefined when it promises none. */
export function expectedSource(comment: string): { source: string } | { rejects: string } | undefined {
  const text = comment.replace(/^\/\/\s?/, "").trim();
  const rejects = /^rejects with (\w+)/.exec(text);
  if (rejects) return { rejects: rejects[1]! };
  const arrow = text.indexOf("→");
  for (const candidate of [text, arrow >= 0 ? text.slice(arrow + 1).trim() : ""]) {
    if (!LITERAL_START.test(candidate)) continue;
    const value = longestLiteral(candidate);
    if (value !== undefined) return { source: value };
  }
  return undefined;
}

/** Rewrites README notation into JavaScript: `Set { a, b }` → `new Set([a, b])`, shorthand `{ id, … }` → `{ id: ANY, … }`. */
function toJs(literal: string): string {
  return literal
    .replace(/\b(Set|Map) \{([^{}]*)\}/g, (_m, kind: string, items: string) => `new ${kind}([${items}])`)
    .replace(/([{,]\s*)([A-Za-z_$][\w$]*)(?=\s*[,}])/g, "$1$2: __ANY");
}

/** True when `js` is one literal (string, number, array, object, Set/Map/Date, true/false/null/undefined), not e.g. `{ a } | undefined`. */
function isLiteral(js: string): boolean {
  const file = ts.createSourceFile("x.ts", `(${js});`, ts.ScriptTarget.ES2022, true);
  const [statement] = file.statements;
  if (file.statements.length !== 1 || !statement || !ts.isExpressionStatement(statement)) return false;
  let e: ts.Expression = statement.expression;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) e = e.operand;
  return (
    ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isNumericLiteral(e) || ts.isArrayLiteralExpression(e) ||
    ts.isObjectLiteralExpression(e) || ts.isNewExpression(e) || e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword ||
    e.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(e) && ["undefined", "NaN", "Infinity"].includes(e.text))
  );
}

/** The longest prefix of `text` (cut before a space, comma, colon, semicolon or paren) that evaluates as a literal. */
function longestLiteral(text: string): string | undefined {
  const cuts: number[] = [text.length];
  for (let i = text.length - 1; i > 0; i--) if (/[\s,;:(]/.test(text[i]!)) cuts.push(i);
  for (const cut of cuts) {
    const js = toJs(text.slice(0, cut).trim());
    if (js === "" || !isLiteral(js)) continue;
    if (/^\s*\|/.test(text.slice(cut))) return undefined; // `0 | 1`: a union of outcomes, not one value
    try {
      vm.runInNewContext(`(${js})`, { __ANY: 0 }, { timeout: 100 });
      return js;
    } catch {
      // not a literal at this length
    }
  }
  return undefined;
}

/** The sample as a module: checks spliced in, its database made in-memory, givens prepended. */
export function instrument(code: string, line: number): { code: string; checks: number } {
  const file = ts.createSourceFile("sample.ts", code, ts.ScriptTarget.ES2022, true);
  const edits: Array<{ start: number; end: number; text: string }> = [];
  let checks = 0;
  const at = (node: ts.Node) => `README.md:${line + file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visitStatements = (statements: ts.NodeArray<ts.Statement>) => {
    for (const statement of statements) {
      if (!ts.isExpressionStatement(statement)) continue;
      const comments = ts.getTrailingCommentRanges(code, statement.end) ?? [];
      const comment = comments[0];
      if (!comment || code.slice(statement.end, comment.pos).includes("\n")) continue;
      const expected = expectedSource(code.slice(comment.pos, comment.end));
      if (!expected) continue;
      const expr = statement.expression.getText(file);
      const text =
        "source" in expected
          ? `__check((${expr}), (${expected.source}), ${JSON.stringify(at(statement))}, ${/^[[{]/.test(expected.source)});`
          : `await __rejects(async () => (${expr}), ${JSON.stringify(expected.rejects)}, ${JSON.stringify(at(statement))});`;
      edits.push({ start: statement.getStart(file), end: statement.end, text });
      checks++;
    }
  };
  visitStatements(file.statements);
  let out = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  // No server: every Database the sample opens is the embedded engine.
  out = out.replace(/new Database\((?:[^(),]|\([^()]*\))*,\s*(\{[^}]*\})\s*\)/g, "Database.memory($1)");
  out = out.replace(/new Database\((?:[^(),]|\([^()]*\))*\)/g, "Database.memory()");
  return { code: out, checks };
}

/** Names a block declares at its top level (imports, classes, functions, variables). */
export function declared(code: string): Set<string> {
  const file = ts.createSourceFile("sample.ts", code, ts.ScriptTarget.ES2022, true);
  const names = new Set<string>();
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  for (const s of file.statements) {
    if (ts.isImportDeclaration(s)) {
      const clause = s.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) names.add(el.name.text);
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
    } else if ((ts.isClassDeclaration(s) || ts.isFunctionDeclaration(s)) && s.name) names.add(s.name.text);
    else if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) bind(d.name);
  }
  return names;
}

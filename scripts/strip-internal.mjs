#!/usr/bin/env node
/**
 * Removes class and interface members marked `@internal` from the published type
 * declarations (dist/index.d.ts and dist/index.d.cts, or the folder given as argument), so
 * they appear neither in the package's types nor in editors' completion.
 *
 * Why not TypeScript's `stripInternal`: it also drops `@internal` top-level declarations,
 * which other source files import (a type shared between modules but not public), and the
 * declaration bundle then fails to build. Top-level declarations the package does not export
 * are invisible to users anyway; members of exported classes are what completion shows.
 *
 * Usage: node scripts/strip-internal.mjs [distDir]   (run by `npm run build`)
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

const dist = process.argv[2] ?? "dist";

/** True when a node's JSDoc carries an `@internal` tag. */
export function isInternal(node) {
  return ts.getJSDocTags(node).some((tag) => tag.tagName.text === "internal");
}

/** The text of `source` (a .d.ts) without its `@internal` class and interface members. */
export function stripInternalMembers(source, fileName = "index.d.ts") {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const cuts = [];
  const visit = (node) => {
    if ((ts.isClassElement(node) || ts.isTypeElement(node)) && isInternal(node)) {
      cuts.push([node.getFullStart(), node.end]);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  for (const [start, end] of cuts.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + out.slice(end);
  return { text: out, removed: cuts.length };
}

let total = 0;
for (const name of ["index.d.ts", "index.d.cts"]) {
  const path = join(dist, name);
  if (!existsSync(path)) continue;
  const { text, removed } = stripInternalMembers(readFileSync(path, "utf8"), name);
  writeFileSync(path, text);
  total += removed;
}
if (total === 0 && !existsSync(join(dist, "index.d.ts"))) {
  console.error(`strip-internal: no declarations in ${dist}/`);
  process.exit(1);
}

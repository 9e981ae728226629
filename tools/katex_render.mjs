// Typesets TeX for the site build with the pinned KaTeX from node_modules, so formulas are in the
// HTML at first paint (and without JavaScript), as MathML: the browser lays it out natively, with
// a few elements per formula where KaTeX's HTML takes hundreds. One JSON request per line on stdin:
// {"tex": "...", "display": true|false}; one JSON answer per line on stdout: {"html": "..."} or
// {"error": "..."}. hooks/typeset.py keeps one process for the whole build. The MathML passes
// through the same mathml_core.js as a formula the browser typesets after a recompute.
import katex from "../node_modules/katex/dist/katex.mjs";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";

const { toMathCore } = createRequire(import.meta.url)("../docs/assets/dscalc/mathml_core.js");

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    const { tex, display } = JSON.parse(line);
    const mathml = katex.renderToString(tex, { displayMode: display, throwOnError: true, strict: "ignore", output: "mathml" });
    answer = { html: toMathCore(mathml) };
  } catch (error) {
    answer = { error: String(error && error.message) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}

// Tokenizes the whole real corpus with the grammar, through vscode-textmate and the
// Oniguruma build VS Code uses, and checks it against what the text itself says.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { before, describe, it } from "node:test";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";

const root = path.resolve(__dirname, "..", "..", "..");
const corpus = fs.readFileSync(path.join(root, "..", "..", "testdata", "system-design.notes"), "utf8");
const lines = corpus.split("\n");

interface Token {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}

let tokenized: Token[][] = [];
let grammar: textmate.IGrammar;

describe("the grammar on the whole corpus", () => {
  before(async () => {
    const wasm = fs.readFileSync(path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async () => {
        const file = path.join(root, "syntaxes", "notes.tmLanguage.json");
        return textmate.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
      },
    });
    const loaded = await registry.loadGrammar("source.notes");
    assert.ok(loaded);
    grammar = loaded;
    let stack = textmate.INITIAL;
    tokenized = lines.map((line) => {
      const r = grammar.tokenizeLine(line, stack);
      stack = r.ruleStack;
      return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, end: t.endIndex, scopes: t.scopes }));
    });
  });

  const having = (scope: string) =>
    tokenized.flatMap((tokens, i) => tokens.filter((t) => t.scopes.includes(scope)).map((t) => ({ line: i + 1, text: t.text })));

  it("marks exactly line 83's `--` as a malformed path operator, as the malformed-separator rule does", () => {
    assert.deepEqual(having("invalid.illegal.path-operator.notes"), [{ line: 83, text: "--" }]);
  });

  it("covers every URL, and nothing else, as a link", () => {
    lines.forEach((line, i) => {
      const want = [...line.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
      const got = tokenized[i].filter((t) => t.scopes.includes("markup.underline.link.notes")).map((t) => t.text);
      assert.deepEqual(got, want, `line ${i + 1}: ${line}`);
    });
  });

  it("scopes every [[reference]] and every task box", () => {
    assert.deepEqual(having("string.other.link.reference.notes"), [{ line: 313, text: "jump server" }]);
    const boxes = having("markup.list.unchecked.notes").filter((t) => t.text === "[");
    const tasks = lines.flatMap((l, i) => (l.startsWith("[ ] ") ? [{ line: i + 1, text: "[" }] : []));
    assert.ok(tasks.length > 0);
    assert.deepEqual(boxes, tasks);
  });

  it("puts each line's first separator, and only that one, in a separator scope", () => {
    const separators = ["keyword.control.definition.notes", "keyword.control.see-also.notes", "keyword.control.related.notes"];
    lines.forEach((line, i) => {
      const seps = tokenized[i].filter((t) => t.scopes.some((s) => separators.includes(s)));
      assert.ok(seps.length <= 1, `line ${i + 1} has ${seps.length} separators: ${line}`);
      // The separators the spec lists, outside URLs, found by a plain search.
      const noURLs = line.replace(/https?:\/\/\S+/g, (u) => " ".repeat(u.length));
      const m = / (==?|->|~)(?= |$)|(?<=\w)(:)(?= |$)/.exec(noURLs);
      if (m) {
        assert.equal(seps.length, 1, `line ${i + 1} has no separator token: ${line}`);
        assert.equal(seps[0].text, m[1] ?? m[2], `line ${i + 1}`);
        assert.equal(seps[0].start, m.index + (m[1] ? 1 : 0), `line ${i + 1}`);
      } else {
        assert.equal(seps.length, 0, `line ${i + 1}: ${line}`);
      }
    });
  });

  it("scopes every ` -- ` in a head as the path operator", () => {
    lines.forEach((line, i) => {
      const tokens = tokenized[i];
      const headEnd = tokens.findIndex((t) => !t.scopes.includes("meta.head.notes") && !t.scopes.some((s) => s.startsWith("markup.list.")));
      const head = headEnd < 0 ? tokens : tokens.slice(0, headEnd);
      const headText = line.slice(0, head.length > 0 ? head[head.length - 1].end : 0);
      const noURLs = headText.replace(/https?:\/\/\S+.*$/, "");
      const want = [...noURLs.matchAll(/(?<= )--(?= |$)|^--(?= )/g)].map((m) => m.index);
      const got = head.filter((t) => t.scopes.includes("keyword.operator.path.notes")).map((t) => t.start);
      assert.deepEqual(got, want, `line ${i + 1}: ${line}`);
    });
  });
  it("tokenizes long unclosed lines without catastrophic backtracking", () => {
    // VS Code tokenizes lines up to 20,000 characters (editor.maxTokenizationLineLength).
    const n = 20_000;
    const pathological = [
      "ABC (A" + "b ".repeat(n / 2),
      "x -- ABC (A " + "b c".repeat(n / 3) + ") y",
      "(".concat("(a b".repeat(n / 4)),
      '"' + 'a = b "'.repeat(n / 7),
      "x " + "-".repeat(n),
      "AB" + "CD".repeat(n / 4) + " (" + "Xy".repeat(n / 4),
      "a " + "[[".repeat(n / 2),
    ];
    // Each takes well under 100 ms of CPU here; a pattern that backtracks badly takes
    // seconds or never ends, and freezes highlighting in the editor. CPU time, not wall
    // time: on a loaded machine (CI shares its cores) the wall clock runs several times
    // faster than this process's CPU.
    const limitMs = 1_000;
    for (const line of pathological) {
      const t0 = process.cpuUsage();
      grammar.tokenizeLine(line, textmate.INITIAL);
      const used = process.cpuUsage(t0);
      const ms = (used.user + used.system) / 1000;
      assert.ok(ms < limitMs, `${Math.round(ms)} ms of CPU for ${JSON.stringify(line.slice(0, 40))}...`);
    }
  });
});

// The parts of the extension that need no VS Code: finding the server binary, the settings
// sent to it, and the language configuration's word pattern.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

import { resolveServer, serverSettings } from "../../src/server";

const root = path.resolve(__dirname, "..", "..", "..");

function lookup(existing: string[], pathEnv = "/usr/bin:/opt/notes/bin") {
  return { exists: (p: string) => existing.includes(p), pathEnv, platform: "linux" };
}

describe("resolveServer", () => {
  const bundled = "/ext/bin/notesls";

  it("prefers the notesls.path setting", () => {
    assert.deepEqual(resolveServer("/home/me/go/bin/notesls", bundled, lookup(["/home/me/go/bin/notesls", bundled])), {
      command: "/home/me/go/bin/notesls",
      source: "setting",
    });
  });

  it("looks a bare name in the setting up on PATH", () => {
    assert.deepEqual(resolveServer("notesls", bundled, lookup(["/opt/notes/bin/notesls"])), {
      command: "/opt/notes/bin/notesls",
      source: "setting",
    });
  });

  it("expands ~/ in the setting to the home directory", () => {
    const env = { ...lookup(["/home/me/go/bin/notesls"]), home: "/home/me" };
    assert.deepEqual(resolveServer("~/go/bin/notesls", bundled, env), { command: "/home/me/go/bin/notesls", source: "setting" });
  });

  it("takes a relative path in the setting from the workspace folder", () => {
    const env = { ...lookup(["/work/notes/tools/notesls"]), workspace: "/work/notes" };
    assert.deepEqual(resolveServer("tools/notesls", bundled, env), { command: "/work/notes/tools/notesls", source: "setting" });
    assert.deepEqual(resolveServer("./tools/notesls", bundled, env), { command: "/work/notes/tools/notesls", source: "setting" });
  });

  it("names the setting when the configured binary is missing", () => {
    const r = resolveServer("/nowhere/notesls", bundled, lookup([bundled]));
    assert.ok("error" in r);
    assert.match(r.error, /"notesls\.path"/);
    assert.match(r.error, /\/nowhere\/notesls/);
  });

  it("uses the bundled binary when the setting is empty", () => {
    assert.deepEqual(resolveServer("  ", bundled, lookup([bundled, "/usr/bin/notesls"])), { command: bundled, source: "bundled" });
  });

  it("falls back to notesls on PATH", () => {
    assert.deepEqual(resolveServer("", bundled, lookup(["/usr/bin/notesls"])), { command: "/usr/bin/notesls", source: "PATH" });
  });

  it("explains how to fix a missing server", () => {
    const r = resolveServer("", bundled, lookup([]));
    assert.ok("error" in r);
    assert.match(r.error, /"notesls\.path"/);
    assert.match(r.error, /go install github\.com\/notesls\/notesls\/cmd\/notesls@latest/);
  });

  it("finds notesls.exe on a Windows PATH", () => {
    const env = { exists: (p: string) => p === path.join("C:\\tools", "notesls.exe"), pathEnv: "C:\\tools;C:\\bin", platform: "win32" };
    assert.deepEqual(resolveServer("", "C:\\ext\\bin\\notesls.exe", env), { command: path.join("C:\\tools", "notesls.exe"), source: "PATH" });
  });
});

describe("serverSettings", () => {
  const reader = (values: Record<string, unknown>) => ({ get: <T>(k: string) => values[k] as T | undefined });

  it("sends only what the user set", () => {
    assert.deepEqual(serverSettings(reader({ rules: {}, sorting: null, include: [], maxFileSize: null, path: "/x", "trace.server": "verbose" })), {});
  });

  it("passes rules, sorting, include and the limits through", () => {
    assert.deepEqual(
      serverSettings(reader({ rules: { "near-duplicate": "off", unsorted: "error" }, sorting: false, include: ["notes/*.txt"], maxFileSize: 0, maxCrossLineFindings: 500, maxDiagnosticsPerFile: 0 })),
      { rules: { "near-duplicate": "off", unsorted: "error" }, sorting: false, include: ["notes/*.txt"], maxFileSize: 0, maxCrossLineFindings: 500, maxDiagnosticsPerFile: 0 },
    );
  });

  it("leaves out a limit that is no whole number", () => {
    assert.deepEqual(serverSettings(reader({ maxFileSize: -1, maxCrossLineFindings: 1.5, maxDiagnosticsPerFile: -3 })), {});
  });
});

describe("package.json and language-configuration.json", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const langConf = JSON.parse(fs.readFileSync(path.join(root, "language-configuration.json"), "utf8"));

  it("declares every rule the spec names in notesls.rules", () => {
    const spec = fs.readFileSync(path.join(root, "..", "..", "docs", "format.md"), "utf8");
    const table = spec.slice(spec.indexOf("## Diagnostics"), spec.indexOf("## Formatting"));
    const rules = [...table.matchAll(/^\| ([a-z]+(?:-[a-z]+)*) \|/gm)].map((m) => m[1]).filter((r) => r !== "rule");
    assert.ok(rules.length >= 16, `found only ${rules.length} rules in docs/format.md`);
    const declared: string[] = pkg.contributes.configuration.properties["notesls.rules"].propertyNames.enum;
    assert.deepEqual([...declared].sort(), [...rules].sort());
  });

  it("has a word pattern that keeps hyphenated, slashed and numbered names whole", () => {
    const re = new RegExp(langConf.wordPattern, "g");
    const words = (s: string) => s.match(re) ?? [];
    assert.deepEqual(words("load-shedding -- pub/sub"), ["load-shedding", "pub/sub"]);
    assert.deepEqual(words("API --gateway"), ["API", "gateway"]);
    assert.deepEqual(words("data store -- database -- sharding"), ["data", "store", "database", "sharding"]);
    assert.deepEqual(words("jumpbox = see [[jump server]]"), ["jumpbox", "see", "jump", "server"]);
    assert.deepEqual(words("3 nines == 99.9% uptime"), ["3", "nines", "99.9%", "uptime"]);
    assert.deepEqual(words("Codd's 12 rules (Twitter) “pivot”"), ["Codd's", "12", "rules", "Twitter", "pivot"]);
    assert.deepEqual(words("relational -- Codd’s"), ["relational", "Codd’s"]);
    assert.deepEqual(words("2FA, 1. Consistency: changes."), ["2FA", "1", "Consistency", "changes"]);
  });

  it("pairs [[ ]] and ( ) as brackets", () => {
    assert.deepEqual(langConf.brackets, [["[[", "]]"], ["(", ")"]]);
  });
});

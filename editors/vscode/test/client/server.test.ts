// Starts the bundled notesls binary the way the extension does (no arguments, LSP over
// stdio) and talks to it with vscode-languageserver-protocol's Node client, the same
// protocol code vscode-languageclient runs inside VS Code. Everything is checked on the real
// corpus; positions are found by searching the text, never by counted columns.
import { ChildProcess, spawn } from "node:child_process";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import {
  CodeAction,
  CodeActionRequest,
  CompletionItem,
  ConfigurationRequest,
  CompletionList,
  CompletionRequest,
  CompletionTriggerKind,
  DefinitionRequest,
  Diagnostic,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  DocumentSymbol,
  DocumentSymbolRequest,
  ExitNotification,
  HoverRequest,
  InitializeRequest,
  InitializeResult,
  InitializedNotification,
  Location,
  LocationLink,
  MarkupContent,
  MessageConnection,
  Position,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  WorkDoneProgressCreateRequest,
  createMessageConnection,
} from "vscode-languageserver-protocol/node";

import { serverSettings } from "../../src/server";

const extensionRoot = path.resolve(__dirname, "..", "..", "..");
const repoRoot = path.resolve(extensionRoot, "..", "..");
const binary =
  process.env.NOTESLS_BIN ??
  path.join(extensionRoot, "bin", process.platform === "win32" ? "notesls.exe" : "notesls");
const corpusPath = path.join(repoRoot, "testdata", "system-design.notes");

// How long to wait for the server's diagnostics before failing with what arrived.
const diagnosticsTimeoutMs = 15_000;

// The findings the spec's last column lists for the real corpus (1-based lines): the
// editor must show exactly these, as `notesls --check` does.
const expectedFindings: Array<[rule: string, severity: DiagnosticSeverity, lines: number[]]> = [
  ["malformed-separator", DiagnosticSeverity.Error, [83]],
  ["empty-definition", DiagnosticSeverity.Warning, [349, 350, 354]],
  ["duplicate-url", DiagnosticSeverity.Warning, [309]],
  ["redundant-stub", DiagnosticSeverity.Information, [68, 382, 388, 488]],
  // Each pair is reported at both names' first lines.
  ["near-duplicate", DiagnosticSeverity.Information, [334, 475, 88, 120, 434, 441, 38, 362, 293, 301, 568, 569]],
  ["unbalanced-brackets", DiagnosticSeverity.Warning, [39, 82, 149, 281]],
];

const corpus = fs.readFileSync(corpusPath, "utf8");
const corpusLines = corpus.split("\n");

// position returns the position of the nth occurrence (1-based) of needle in the 1-based
// line, plus offset UTF-16 units. JavaScript strings count UTF-16 units, as LSP does.
function position(line: number, needle: string, offset = 0, nth = 1): Position {
  const text = corpusLines[line - 1];
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.notEqual(at, -1, `line ${line} has no ${JSON.stringify(needle)} (${i + 1}): ${text}`);
  }
  return { line: line - 1, character: at + offset };
}

function hoverText(contents: unknown): string {
  if (typeof contents === "string") {
    return contents;
  }
  if (Array.isArray(contents)) {
    return contents.map(hoverText).join("\n");
  }
  if (contents && typeof contents === "object" && "value" in contents) {
    return String((contents as MarkupContent).value);
  }
  return "";
}

// A Session is one server process with the corpus copied into a workspace of its own
// (so that nothing else in the repository adds cross-file findings) and opened.
class Session {
  dir = "";
  uri = "";
  stderr = "";
  proc!: ChildProcess;
  conn!: MessageConnection;
  init!: InitializeResult;
  published: PublishDiagnosticsParams[] = [];
  registered: string[] = [];
  private waiters: Array<() => void> = [];

  async start(initializationOptions: unknown): Promise<void> {
    assert.ok(
      fs.existsSync(binary),
      `no server binary at ${binary}: build it with GOOS=linux GOARCH=amd64 go build -o editors/vscode/bin/notesls ./cmd/notesls`,
    );
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "notesls-vscode-"));
    const docPath = path.join(this.dir, "system-design.notes");
    fs.copyFileSync(corpusPath, docPath);
    this.uri = pathToFileURL(docPath).toString();

    // As the extension starts it: no arguments, LSP on stdio.
    this.proc = spawn(binary, [], { cwd: this.dir, stdio: ["pipe", "pipe", "pipe"] });
    this.proc.stderr!.on("data", (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.conn = createMessageConnection(
      new StreamMessageReader(this.proc.stdout!),
      new StreamMessageWriter(this.proc.stdin!),
    );
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      this.waiters.splice(0).forEach((w) => w());
    });
    // Requests a server may send; answered as vscode-languageclient answers them.
    this.conn.onRequest(RegistrationRequest.type, (p) => {
      this.registered.push(...p.registrations.map((r) => r.method));
      return null;
    });
    this.conn.onRequest(WorkDoneProgressCreateRequest.type, () => null);
    this.conn.onRequest(ConfigurationRequest.type, (p) =>
      p.items.map((i) => (i.section === "notesls" ? initializationOptions : null)),
    );
    this.conn.listen();

    const folder = pathToFileURL(this.dir).toString();
    this.init = await this.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: "notesls-vscode-test" },
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: "corpus" }],
      initializationOptions,
      capabilities: {
        textDocument: {
          synchronization: { didSave: true, dynamicRegistration: false },
          hover: { contentFormat: ["markdown", "plaintext"] },
          completion: {
            completionItem: { snippetSupport: false, documentationFormat: ["markdown", "plaintext"] },
          },
          definition: { linkSupport: true },
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
        },
        workspace: {
          workspaceFolders: true,
          configuration: true,
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: true },
        },
        window: { workDoneProgress: true },
      },
    });
    await this.conn.sendNotification(InitializedNotification.type, {});
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: this.uri, languageId: "notes", version: 1, text: corpus },
    });
  }

  // stop shuts the server down and returns its exit status.
  async stop(): Promise<number | null> {
    if (this.conn) {
      try {
        await this.conn.sendRequest(ShutdownRequest.type);
        await this.conn.sendNotification(ExitNotification.type);
      } catch {
        // the exit status tells what happened
      }
    }
    let code: number | null = this.proc?.exitCode ?? null;
    if (this.proc && code === null) {
      code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => {
          this.proc.kill();
          resolve(null);
        }, 5_000);
        this.proc.on("exit", (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
    }
    this.conn?.dispose();
    if (this.dir) {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
    return code;
  }

  // diagnostics waits until the latest diagnostics published for the corpus (at version,
  // when the server says) satisfy done, or the timeout passes, and returns the latest.
  async diagnostics(version: number, done: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    const deadline = Date.now() + diagnosticsTimeoutMs;
    for (;;) {
      const mine = this.published.filter((p) => p.uri === this.uri && (p.version === undefined || p.version === version));
      const latest = mine.length > 0 ? mine[mine.length - 1].diagnostics : undefined;
      if (latest && done(latest)) {
        return latest;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        assert.ok(latest, `no diagnostics for ${this.uri} (version ${version}) within ${diagnosticsTimeoutMs} ms; server stderr:\n${this.stderr}`);
        return latest;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

const findingKey = (d: Diagnostic) => `${d.range.start.line + 1} ${d.code} ${d.severity}`;

// expectedKeys lists the corpus's findings as findingKey does, with some rules turned off or
// given another severity.
function expectedKeys(overrides: Record<string, DiagnosticSeverity | "off"> = {}): string[] {
  return expectedFindings
    .filter(([rule]) => overrides[rule] !== "off")
    .flatMap(([rule, severity, lines]) => lines.map((l) => `${l} ${rule} ${overrides[rule] ?? severity}`))
    .sort();
}

// reader stands in for vscode.workspace.getConfiguration("notesls").
const reader = (values: Record<string, unknown>) => ({ get: <T>(k: string) => values[k] as T | undefined });

describe("notesls over stdio, as VS Code starts it", () => {
  const session = new Session();
  let conn: MessageConnection;
  let uri: string;
  let init: InitializeResult;

  before(async () => {
    await session.start({});
    ({ conn, uri, init } = session);
  });

  after(async () => {
    const code = await session.stop();
    // shutdown then exit ends the server with status 0.
    assert.equal(code, 0, `server exit status after shutdown and exit; stderr:\n${session.stderr}`);
  });

  it("announces hover, completion with trigger characters, definition and incremental sync", () => {
    const caps = init.capabilities;
    assert.ok(caps.hoverProvider, "hoverProvider");
    assert.ok(caps.definitionProvider, "definitionProvider");
    assert.ok(caps.completionProvider, "completionProvider");
    for (const ch of ["-", " ", "["]) {
      assert.ok(
        caps.completionProvider.triggerCharacters?.includes(ch),
        `completion trigger characters ${JSON.stringify(caps.completionProvider.triggerCharacters)} lack ${JSON.stringify(ch)}`,
      );
    }
    const sync = caps.textDocumentSync;
    const change = typeof sync === "number" ? sync : sync?.change;
    assert.equal(change, TextDocumentSyncKind.Incremental, `textDocumentSync ${JSON.stringify(sync)}`);
    if (typeof sync === "object") {
      assert.equal(sync.openClose, true, "openClose");
    }
  });

  it("publishes exactly the corpus's findings, by rule, severity and line", async () => {
    const want = expectedKeys();
    const diags = await session.diagnostics(1, (d) => d.length === want.length);
    assert.deepEqual(diags.map(findingKey).sort(), want);
    for (const d of diags) {
      assert.ok(d.message.length > 0, `empty message: ${JSON.stringify(d)}`);
    }
    // The spec's ranges, checked where the text says where they are.
    const malformed = diags.find((d) => d.code === "malformed-separator")!;
    const at = position(83, "--");
    assert.deepEqual(malformed.range, { start: at, end: { line: at.line, character: at.character + 2 } });
    const dupURL = diags.find((d) => d.code === "duplicate-url")!;
    const url = "https://www.pulumi.com/what-is/what-is-infrastructure-as-software/";
    const second = position(309, url, 0, 2);
    assert.deepEqual(dupURL.range, { start: second, end: { line: second.line, character: second.character + url.length } });
    // Near-duplicates point at the other spelling.
    const nd = diags.find((d) => d.code === "near-duplicate" && d.range.start.line === 334 - 1)!;
    assert.ok(
      nd.relatedInformation?.some((r) => r.location.uri === uri && r.location.range.start.line === 475 - 1),
      `near-duplicate on line 334 does not point to line 475: ${JSON.stringify(nd)}`,
    );
  });

  it("registers for file changes on disk, which VS Code then sends it", async () => {
    // The server registers after initialized, on its own schedule.
    const deadline = Date.now() + diagnosticsTimeoutMs;
    while (!session.registered.includes("workspace/didChangeWatchedFiles") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(
      session.registered.includes("workspace/didChangeWatchedFiles"),
      `registrations: ${JSON.stringify(session.registered)}`,
    );
  });

  it("hovers CAP in line 415 with CAP's entry from line 141 and its URL", async () => {
    assert.match(corpusLines[414], /\bCAP\b/);
    const capURL = /https?:\/\/\S+/.exec(corpusLines[140])![0];
    assert.match(corpusLines[140], /^CAP /);
    const at = position(415, "CAP", 1);
    const hover = await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: at });
    assert.ok(hover, "no hover on CAP in line 415");
    const text = hoverText(hover.contents);
    assert.ok(text.includes(capURL), `hover lacks ${capURL}:\n${text}`);
    assert.match(text, /\b141\b/, `hover does not name line 141:\n${text}`);
    const start = position(415, "CAP");
    assert.deepEqual(hover.range, { start, end: { line: start.line, character: start.character + 3 } });
  });

  it("goes from [[jump server]] in line 313 to line 312", async () => {
    assert.match(corpusLines[311], /^jump server = /);
    const at = position(313, "[[jump server]]", "[[jump".length);
    const result = await conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: at });
    assert.ok(result, "no definition for [[jump server]]");
    const targets = (Array.isArray(result) ? result : [result]).map((r: Location | LocationLink) =>
      "targetUri" in r ? { uri: r.targetUri, line: r.targetSelectionRange.start.line } : { uri: r.uri, line: r.range.start.line },
    );
    assert.deepEqual(targets, [{ uri, line: 311 }]);
  });

  it("gives the Outline its topics, nested: data store > database > sharding", async () => {
    const symbols = (await conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    assert.ok(Array.isArray(symbols) && symbols.length > 0 && "children" in symbols[0], "no hierarchical symbols");
    const dataStore = symbols.find((s) => s.name === "data store");
    const database = dataStore?.children?.find((s) => s.name === "database");
    assert.ok(database?.children?.some((s) => s.name === "sharding"), `no data store > database > sharding in ${JSON.stringify(symbols.map((s) => s.name))}`);
    assert.ok(
      dataStore!.range.start.line <= database!.range.start.line && database!.range.end.line <= dataStore!.range.end.line,
      "a child's range outside its parent's",
    );
  });

  it("formats the document as `notesls --check --fix` does (Format Document)", async () => {
    const edits = await conn.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri },
      options: { tabSize: 4, insertSpaces: true },
    });
    assert.ok(edits && edits.length > 0, "no formatting edits for the corpus, which has malformed lines");
    // Line 83's "API --gateway" is rewritten and, sorting being on, moved to its place.
    assert.ok(edits.some((e) => e.range.start.line <= 82 && 82 < e.range.end.line), "no edit takes line 83 away");
    assert.ok(edits.some((e) => e.newText.includes("API -- gateway\n")), `no edit writes "API -- gateway": ${JSON.stringify(edits.slice(0, 3))}`);
  });

  it("offers the light bulb's quick fix for line 83's path operator", async () => {
    const diags = (await session.diagnostics(1, () => true)).filter((d) => d.range.start.line === 82);
    const actions = (await conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 82, character: 4 }, end: { line: 82, character: 4 } },
      context: { diagnostics: diags },
    })) as CodeAction[];
    const fix = actions?.find((a) => a.title === "Fix the line (malformed-separator)");
    assert.ok(fix && fix.kind === "quickfix" && fix.diagnostics?.length === 1, `no linked quick fix: ${JSON.stringify(actions)}`);
    // Fixed, "API -- gateway" sorts among the "API -- " lines above it: the fix moves it
    // to its sorted place, line 51, as --fix does, so no unsorted finding follows.
    const edits = fix!.edit!.changes![uri];
    const insert = edits.find((e) => e.newText === "API -- gateway\n");
    const cut = edits.find((e) => e.newText === "" && e.range.start.line === 82);
    assert.ok(insert && cut, `edits ${JSON.stringify(edits)}`);
    assert.equal(insert!.range.start.line, 50);
    assert.equal(cut!.range.end.line, 83);
  });

  it("completes after `data store -- database -- ` with the topic's children", async () => {
    // Type a new last line, as a user would, through an incremental change.
    const typed = "data store -- database -- ";
    const last = corpusLines.length - 1; // the corpus ends with a newline: the last line is empty
    assert.equal(corpusLines[last], "");
    await conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [
        { range: { start: { line: last, character: 0 }, end: { line: last, character: 0 } }, text: typed },
      ],
    });
    const at = { line: last, character: typed.length };
    const result = await conn.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position: at,
      context: { triggerKind: CompletionTriggerKind.TriggerCharacter, triggerCharacter: " " },
    });
    assert.ok(result, "no completion");
    const items: CompletionItem[] = Array.isArray(result) ? result : (result as CompletionList).items;
    const labels = items.map((i) => i.label);
    for (const want of ["sharding", "NoSQL", "replica"]) {
      assert.ok(labels.includes(want), `completion lacks ${want}: ${JSON.stringify(labels)}`);
    }
    // The edit replaces exactly the typed prefix, here empty.
    const sharding = items.find((i) => i.label === "sharding")!;
    assert.deepEqual(sharding.textEdit, { range: { start: at, end: at }, newText: "sharding" });
  });

  it("applies rule settings sent as workspace/didChangeConfiguration, as the extension sends them", async () => {
    const settings = serverSettings(reader({ rules: { "near-duplicate": "off", "unbalanced-brackets": "error" } }));
    await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { notesls: settings } });
    // The document is at version 2 after the completion test's edit.
    const diags = await session.diagnostics(2, (d) => !d.some((x) => x.code === "near-duplicate"));
    const corpusFindings = diags.filter((d) => d.range.start.line < corpusLines.length - 1);
    assert.deepEqual(corpusFindings.map(findingKey).sort(), expectedKeys({ "near-duplicate": "off", "unbalanced-brackets": DiagnosticSeverity.Error }));
  });
});

describe("notesls started with the extension's initializationOptions", () => {
  const session = new Session();

  after(async () => {
    assert.equal(await session.stop(), 0, `server exit status; stderr:\n${session.stderr}`);
  });

  it("applies notesls.rules from the start", async () => {
    await session.start(serverSettings(reader({ rules: { "redundant-stub": "off", "duplicate-url": "error" }, sorting: null })));
    const want = expectedKeys({ "redundant-stub": "off", "duplicate-url": DiagnosticSeverity.Error });
    const diags = await session.diagnostics(1, (d) => d.length === want.length);
    assert.deepEqual(diags.map(findingKey).sort(), want);
  });
});

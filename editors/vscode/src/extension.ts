// The notesls extension: starts the notesls language server over stdio and stays thin.
// Highlighting comes from the TextMate grammar; everything else (diagnostics, hover,
// completion, definition) comes from the server.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

import { resolveServer, serverSettings } from "./server";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("notesls");
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand("notesls.restartServer", async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.commands.registerCommand("notesls.showOutput", () => {
      output?.show(true);
    }),
    // A code lens's "N references": the server sends LSP locations; VS Code's peek wants
    // its own types.
    vscode.commands.registerCommand("notesls.showReferences", async (uri: string, position: unknown, locations: unknown[]) => {
      const c = client;
      if (!c) {
        return;
      }
      const conv = c.protocol2CodeConverter;
      await vscode.commands.executeCommand(
        "editor.action.showReferences",
        vscode.Uri.parse(uri),
        conv.asPosition(position as never),
        await Promise.all(locations.map((l) => conv.asLocation(l as never))),
      );
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      // The binary is fixed when the process starts; rule settings travel over
      // workspace/didChangeConfiguration without a restart.
      if (e.affectsConfiguration("notesls.path")) {
        await stopClient();
        await startClient(context);
      } else if (e.affectsConfiguration("notesls") && client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { notesls: serverSettings(vscode.workspace.getConfiguration("notesls")) },
        });
      }
    }),
  );

  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("notesls");
  const bundled = path.join(
    context.extensionPath,
    "bin",
    process.platform === "win32" ? "notesls.exe" : "notesls",
  );
  const found = resolveServer(config.get<string>("path", ""), bundled, {
    exists: (p) => fs.existsSync(p),
    pathEnv: process.env.PATH ?? "",
    platform: process.platform,
    home: os.homedir(),
    workspace: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  });
  if ("error" in found) {
    output?.appendLine(found.error);
    const openSettings = "Open Settings";
    const showOutput = "Show Output";
    void vscode.window
      .showErrorMessage(found.error, openSettings, showOutput)
      .then((choice) => {
        if (choice === openSettings) {
          void vscode.commands.executeCommand("workbench.action.openSettings", "notesls.path");
        } else if (choice === showOutput) {
          output?.show(true);
        }
      });
    return;
  }
  if (found.source === "bundled" && process.platform !== "win32") {
    ensureExecutable(found.command);
  }
  output?.appendLine(`starting ${found.command} (${found.source})`);

  // No arguments: notesls speaks LSP on stdio.
  const serverOptions: ServerOptions = {
    run: { command: found.command, args: [], transport: TransportKind.stdio },
    debug: { command: found.command, args: [], transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    // Files and unsaved buffers only: a git: or diff view of a notes file is another copy
    // of its lines, which the server would otherwise count as duplicates.
    documentSelector: [
      { scheme: "file", language: "notes" },
      { scheme: "untitled", language: "notes" },
    ],
    outputChannel: output,
    initializationOptions: serverSettings(config),
    middleware: {
      workspace: {
        // A server that pulls settings (workspace/configuration) gets the same object as
        // initializationOptions, not the editor-only keys (path, trace).
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return params.items.map((item, i) =>
            item.section === "notesls"
              ? serverSettings(vscode.workspace.getConfiguration("notesls", item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined))
              : result[i],
          );
        },
      },
    },
  };

  client = new LanguageClient("notesls", "notesls", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const message = `notesls: the server ${found.command} failed to start: ${String(err)}. Check the "notesls.path" setting.`;
    output?.appendLine(message);
    void vscode.window.showErrorMessage(message);
    client = undefined;
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch (err) {
      output?.appendLine(`stopping the server: ${String(err)}`);
    }
  }
}

// ensureExecutable restores the bundled binary's execute bit, which some ways of
// unpacking a .vsix drop.
function ensureExecutable(file: string): void {
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    try {
      fs.chmodSync(file, 0o755);
    } catch (err) {
      output?.appendLine(`cannot make ${file} executable: ${String(err)}`);
    }
  }
}

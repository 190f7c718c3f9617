// Finding the server binary and the settings it receives. No `vscode` import here, so the
// Node tests can exercise it without VS Code.
import * as path from "node:path";

export interface Lookup {
  exists(p: string): boolean;
  pathEnv: string;
  platform: string;
  home?: string;
  // workspace is the first workspace folder, which a relative path is taken from.
  workspace?: string;
}

export type Resolved =
  | { command: string; source: "setting" | "bundled" | "PATH" }
  | { error: string };

const installHint =
  "Install it (go install github.com/notesls/notesls/cmd/notesls@latest) and set " +
  '"notesls.path" to the binary (Settings > Extensions > notesls), or put it on PATH.';

// resolveServer picks the binary: the `notesls.path` setting when set, else the binary
// bundled in the extension's bin/, else `notesls` on PATH. It returns an error message that
// names the setting to fix when there is none.
export function resolveServer(setting: string, bundled: string, env: Lookup): Resolved {
  let configured = setting.trim();
  if (env.home && (configured === "~" || configured.startsWith("~/") || configured.startsWith("~\\"))) {
    configured = path.join(env.home, configured.slice(1));
  }
  if (configured !== "" && !isBareName(configured) && !isAbsolute(configured) && env.workspace) {
    configured = path.join(env.workspace, configured);
  }
  if (configured !== "") {
    if (isBareName(configured)) {
      const onPath = searchPath(configured, env);
      if (onPath) {
        return { command: onPath, source: "setting" };
      }
      return {
        error: `notesls: "${configured}" from the "notesls.path" setting is not on PATH. Fix "notesls.path" or clear it to use the bundled server. ${installHint}`,
      };
    }
    if (env.exists(configured)) {
      return { command: configured, source: "setting" };
    }
    return {
      error: `notesls: the server binary "${configured}" from the "notesls.path" setting does not exist. Fix "notesls.path" or clear it to use the bundled server.`,
    };
  }
  if (env.exists(bundled)) {
    return { command: bundled, source: "bundled" };
  }
  const onPath = searchPath("notesls", env);
  if (onPath) {
    return { command: onPath, source: "PATH" };
  }
  return {
    error: `notesls: no server binary found: this extension has no bundled notesls for ${env.platform} and "notesls" is not on PATH. ${installHint}`,
  };
}

function isAbsolute(p: string): boolean {
  return path.posix.isAbsolute(p) || path.win32.isAbsolute(p);
}

function isBareName(p: string): boolean {
  return !p.includes("/") && !p.includes("\\");
}

function searchPath(name: string, env: Lookup): string | undefined {
  const win = env.platform === "win32";
  const sep = win ? ";" : ":";
  const names = win && !name.toLowerCase().endsWith(".exe") ? [name + ".exe", name] : [name];
  for (const dir of env.pathEnv.split(sep)) {
    if (dir === "") {
      continue;
    }
    for (const n of names) {
      const candidate = path.join(dir, n);
      if (env.exists(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

export interface ConfigReader {
  get<T>(key: string): T | undefined;
}

export type Severity = "error" | "warning" | "info" | "hint" | "off";

// ServerSettings is what the server receives as initializationOptions and, under the
// `notesls` section, in workspace/didChangeConfiguration. Unset keys are left out so that
// `.notesls.json` and the server's defaults apply.
export interface ServerSettings {
  rules?: Record<string, Severity>;
  sorting?: boolean;
  include?: string[];
  maxFileSize?: number;
  maxCrossLineFindings?: number;
  maxDiagnosticsPerFile?: number;
}

export function serverSettings(config: ConfigReader): ServerSettings {
  const out: ServerSettings = {};
  const rules = config.get<Record<string, Severity>>("rules");
  if (rules && typeof rules === "object" && Object.keys(rules).length > 0) {
    out.rules = { ...rules };
  }
  const sorting = config.get<boolean | null>("sorting");
  if (typeof sorting === "boolean") {
    out.sorting = sorting;
  }
  const include = config.get<string[]>("include");
  if (Array.isArray(include) && include.length > 0) {
    out.include = [...include];
  }
  for (const key of ["maxFileSize", "maxCrossLineFindings", "maxDiagnosticsPerFile"] as const) {
    const n = config.get<number | null>(key);
    if (typeof n === "number" && Number.isInteger(n) && n >= 0) {
      out[key] = n;
    }
  }
  return out;
}

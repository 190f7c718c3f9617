// Checks packaged .vsix files: each targets one platform, holds the bundle, the grammar,
// the language configuration and a notesls executable built for that platform (format and
// architecture read from the binary's header: ELF, Mach-O or PE), and nothing from the
// sources, tests or node_modules. With no arguments it checks the linux-x64 package that
// `npm run package` writes; scripts/package-all.sh passes all six.
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";

const ext = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(ext, "package.json"), "utf8"));

// What each VS Code target's server must be: the header's format, the architecture as
// the header names it, and the binary's name in the package.
const targets = {
  "linux-x64": { format: "ELF", arch: "x86-64", bin: "bin/notesls" },
  "linux-arm64": { format: "ELF", arch: "arm64", bin: "bin/notesls" },
  "darwin-x64": { format: "Mach-O", arch: "x86-64", bin: "bin/notesls" },
  "darwin-arm64": { format: "Mach-O", arch: "arm64", bin: "bin/notesls" },
  "win32-x64": { format: "PE", arch: "x86-64", bin: "bin/notesls.exe" },
  "win32-arm64": { format: "PE", arch: "arm64", bin: "bin/notesls.exe" },
};

// The zip's central directory lists every entry with its unix mode.
function entries(file, buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file}: not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const mode = buf.readUInt32LE(p + 38) >>> 16;
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLen);
    out.set(name, { method, size, mode, local });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function content(buf, e) {
  const start = e.local + 30 + buf.readUInt16LE(e.local + 26) + buf.readUInt16LE(e.local + 28);
  const data = buf.subarray(start, start + e.size);
  return e.method === 8 ? inflateRawSync(data) : data;
}

// executableKind reads an executable's header: its format and the architecture it runs
// on, or a reason it is neither.
export function executableKind(bin) {
  if (bin.length >= 20 && bin.readUInt32BE(0) === 0x7f454c46) {
    // ELF: e_type 2 is an executable; e_machine 62 x86-64, 183 AArch64 (little-endian).
    const machine = { 62: "x86-64", 183: "arm64" }[bin.readUInt16LE(18)];
    return { format: "ELF", arch: machine ?? `machine ${bin.readUInt16LE(18)}`, executable: bin.readUInt16LE(16) === 2 };
  }
  if (bin.length >= 16 && bin.readUInt32LE(0) === 0xfeedfacf) {
    // 64-bit Mach-O: cputype 0x01000007 x86-64, 0x0100000c arm64; filetype 2 executes.
    const cpu = { 0x01000007: "x86-64", 0x0100000c: "arm64" }[bin.readUInt32LE(4)];
    return { format: "Mach-O", arch: cpu ?? `cputype ${bin.readUInt32LE(4)}`, executable: bin.readUInt32LE(12) === 2 };
  }
  if (bin.length >= 0x40 && bin.toString("latin1", 0, 2) === "MZ") {
    const pe = bin.readUInt32LE(0x3c);
    if (bin.length >= pe + 24 && bin.readUInt32BE(pe) === 0x50450000) {
      // COFF Machine 0x8664 AMD64, 0xaa64 ARM64; Characteristics bit 2: executable image.
      const machine = { 0x8664: "x86-64", 0xaa64: "arm64" }[bin.readUInt16LE(pe + 4)];
      const characteristics = bin.readUInt16LE(pe + 22);
      return { format: "PE", arch: machine ?? `machine ${bin.readUInt16LE(pe + 4)}`, executable: (characteristics & 2) !== 0 };
    }
  }
  return { format: "unknown", arch: "unknown", executable: false };
}

function check(file) {
  const zip = readFileSync(file);
  const problems = [];
  const list = entries(file, zip);
  const manifest = list.has("extension.vsixmanifest") ? content(zip, list.get("extension.vsixmanifest")).toString("utf8") : "";
  const target = /TargetPlatform="([^"]+)"/.exec(manifest)?.[1];
  const want = targets[target];
  if (!want) {
    return [`the manifest names no known TargetPlatform (${target ?? "none"})`];
  }
  if (!basename(file).includes(`-${target}-`)) problems.push(`the file name does not say ${target}`);
  for (const name of [
    "extension/package.json",
    "extension/dist/extension.js",
    "extension/syntaxes/notes.tmLanguage.json",
    "extension/language-configuration.json",
    `extension/${want.bin}`,
  ]) {
    if (!list.has(name)) problems.push(`missing ${name}`);
  }
  for (const name of list.keys()) {
    if (/^extension\/(node_modules|src|test|out|scripts)\//.test(name)) problems.push(`should not ship ${name}`);
    if (name.startsWith("extension/bin/") && name !== `extension/${want.bin}`) problems.push(`should not ship ${name} for ${target}`);
  }
  const bin = list.get(`extension/${want.bin}`);
  if (bin) {
    // Windows has no execute bit; everywhere else the server must have one.
    if (want.format !== "PE" && (bin.mode & 0o111) === 0) problems.push(`${want.bin} is not executable (mode ${bin.mode.toString(8)})`);
    const got = executableKind(content(zip, bin).subarray(0, 4096));
    if (got.format !== want.format || got.arch !== want.arch || !got.executable) {
      problems.push(`${want.bin} is ${got.format} ${got.arch}${got.executable ? "" : " (not an executable)"}, want a ${want.format} ${want.arch} executable`);
    }
  }
  if (problems.length === 0) console.log(`${basename(file)}: ${target}, ${list.size} entries, ${want.bin} ${want.format} ${want.arch}`);
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2);
  if (files.length === 0) files.push(join(ext, `${pkg.name}-linux-x64-${pkg.version}.vsix`));
  let failed = false;
  for (const file of files) {
    const problems = check(file);
    if (problems.length > 0) {
      console.error(`${file}:\n  ${problems.join("\n  ")}`);
      failed = true;
    }
  }
  process.exit(failed ? 1 : 0);
}

// Checks the packaged .vsix: it targets linux-x64, holds the bundle, the grammar, the
// language configuration and an executable linux x86-64 notesls, and nothing from the
// sources, tests or node_modules. Runs after `vsce package` (npm run package).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";

const ext = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(ext, "package.json"), "utf8"));
const file = join(ext, `${pkg.name}-linux-x64-${pkg.version}.vsix`);
const zip = readFileSync(file);

// The zip's central directory lists every entry with its unix mode.
function entries(buf) {
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

const problems = [];
const list = entries(zip);
for (const want of [
  "extension.vsixmanifest",
  "extension/package.json",
  "extension/dist/extension.js",
  "extension/syntaxes/notes.tmLanguage.json",
  "extension/language-configuration.json",
  "extension/bin/notesls",
]) {
  if (!list.has(want)) problems.push(`missing ${want}`);
}
for (const name of list.keys()) {
  if (/^extension\/(node_modules|src|test|out|scripts)\//.test(name)) problems.push(`should not ship ${name}`);
}
const manifest = list.has("extension.vsixmanifest") ? content(zip, list.get("extension.vsixmanifest")).toString("utf8") : "";
if (!/TargetPlatform="linux-x64"/.test(manifest)) problems.push('the manifest lacks TargetPlatform="linux-x64"');
const bin = list.get("extension/bin/notesls");
if (bin) {
  if ((bin.mode & 0o111) === 0) problems.push(`bin/notesls is not executable (mode ${bin.mode.toString(8)})`);
  const elf = content(zip, bin).subarray(0, 20);
  const isELF = elf.length === 20 && elf.readUInt32BE(0) === 0x7f454c46;
  // e_machine 62 is x86-64.
  if (!isELF || elf.readUInt16LE(18) !== 62) problems.push("bin/notesls is not a linux x86-64 executable");
}
if (problems.length > 0) {
  console.error(`${file}:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`${file}: linux-x64, ${list.size} entries, bin/notesls executable`);

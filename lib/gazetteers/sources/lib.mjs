// Shared helpers for the gazetteer generators (run by ../regenerate.sh).
// Packages are installed by regenerate.sh into a temporary npm prefix whose
// path is passed in the environment variable IDNER_NPM_PREFIX.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export const FORMAT_LINE = '# idner-gazetteer 1';

function prefix() {
  const p = process.env.IDNER_NPM_PREFIX;
  if (!p) throw new Error('IDNER_NPM_PREFIX is not set (run ../regenerate.sh)');
  return p;
}

const req = () => createRequire(path.join(prefix(), 'package.json'));

// Resolve a file of an installed package.
export function resolvePkg(spec) { return req().resolve(spec); }

// The installed version of a package (checked against the pinned one).
export function pkgVersion(name) {
  const p = path.join(prefix(), 'node_modules', name, 'package.json');
  return JSON.parse(fs.readFileSync(p, 'utf8')).version;
}

// ES import of an installed package.
export async function importPkg(name) {
  return import(pathToFileURL(resolvePkg(name)).href);
}

export function readJson(spec) {
  return JSON.parse(fs.readFileSync(resolvePkg(spec), 'utf8'));
}

// Byte-wise comparison, the same order as `LC_ALL=C sort`.
export function cmpBytes(a, b) {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

// Read a gazetteer-format TSV (skipping the format line, comments, blanks).
export function readGazetteer(file) {
  const out = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line === '' || line.startsWith('#')) return;
    const f = line.split('\t');
    out.push({ surface: f[0], cls: f[1], value: f[2] ?? '', flags: f[3] ?? '',
      where: `${file}:${i + 1}` });
  });
  return out;
}

// Read a plain list (one item a line, '#' comments, optional TAB fields).
export function readList(file) {
  return fs.readFileSync(file, 'utf8').split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trimEnd())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

// Format and write a generated file: format line, header comments, sorted rows.
export function writeGazetteer(file, header, rows) {
  const lines = rows.map((r) => {
    const f = [r.surface, r.cls];
    // No empty fields: a row with flags but no value repeats the surface.
    if (r.value || r.flags) f.push(r.value || r.surface);
    if (r.flags) f.push(r.flags);
    return f.join('\t');
  });
  lines.sort(cmpBytes);
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === lines[i - 1]) throw new Error(`${file}: duplicate line ${lines[i]}`);
  }
  const text = [FORMAT_LINE, ...header.map((h) => (h ? '# ' + h : '#')), ...lines].join('\n') + '\n';
  fs.writeFileSync(file, text);
  return lines.length;
}

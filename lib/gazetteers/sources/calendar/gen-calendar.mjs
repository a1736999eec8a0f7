// Generates dates-calendar.tsv (Hijri month names and starts, holidays and their dates)
// from npm @tabby_ai/hijri-converter (Umm al-Qura), npm lunar-javascript (Chinese New
// Year), the hand-written names.tsv and indonesia-official.tsv. Run by make-calendar.sh.
// usage: node gen-calendar.mjs NAMES.tsv OFFICIAL.tsv OUT
import fs from 'node:fs';
import { pkgVersion, resolvePkg } from '../lib.mjs';
import { createRequire } from 'node:module';

const HC = '@tabby_ai/hijri-converter';
const HC_VERSION = '1.0.5';
const LUNAR = 'lunar-javascript';
const LUNAR_VERSION = '1.7.7';
const FIRST_HYEAR = 1436;     // hijri rows: 1436-01 ...
const LAST_HYEAR = 1452;      // ... 1452-12, plus 1453-01 to close the last month
const FIRST_YEAR = 2015;      // Gregorian years of the computed date rows
const LAST_YEAR = 2030;
const MAX_UQ_DIFF = 2;        // an official date further from Umm al-Qura is an error

for (const [p, v] of [[HC, HC_VERSION], [LUNAR, LUNAR_VERSION]])
  if (pkgVersion(p) !== v) throw new Error(`${p} ${pkgVersion(p)} installed, ${v} expected`);
const require = createRequire(import.meta.url);
const { hijriToGregorian } = require(resolvePkg(HC));
const { Lunar } = require(resolvePkg(LUNAR));

const [namesFile, officialFile, outFile] = process.argv.slice(2);
if (!outFile) throw new Error('usage: node gen-calendar.mjs NAMES.tsv OFFICIAL.tsv OUT');

// ---- days ------------------------------------------------------------------
const dayOf = (y, m, d) => Date.UTC(y, m - 1, d) / 864e5;
const parseIso = (s) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const n = dayOf(+m[1], +m[2], +m[3]);
  return iso(n) === s ? n : null;
};
const pad = (n, w = 2) => String(n).padStart(w, '0');
function iso(n) {
  const d = new Date(n * 864e5);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
const yearOf = (n) => new Date(n * 864e5).getUTCFullYear();
const signed = (k) => (k > 0 ? `+${k}` : `${k}`);

// Anonymous Gregorian algorithm (Meeus/Jones/Butcher): Easter Sunday of year y.
function easter(y) {
  const a = y % 19, b = Math.floor(y / 100), c = y % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30, i = Math.floor(c / 4), k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayOf(y, month, day);
}

// ---- inputs -----------------------------------------------------------------
function readRows(file, header) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[0] !== header) throw new Error(`${file}:1: first line must be '${header}'`);
  const rows = [];
  lines.forEach((line, i) => {
    if (i === 0 || line === '' || line.startsWith('#')) return;
    rows.push({ f: line.split('\t'), line, where: `${file}:${i + 1}` });
  });
  return rows;
}

const names = readRows(namesFile, '# idner-calendar-names 1');
const holidays = new Map();   // key -> { hijriday: [m, d] | null, easter, lunar }
const copied = [];            // rows copied into the output, in order, with section comments
const seenForms = new Map();
{
  const src = fs.readFileSync(namesFile, 'utf8').split('\n');
  // keep the section comments of names.tsv (lines starting with "# ---") in the output
  const sectionAt = new Map();
  src.forEach((l, i) => { if (l.startsWith('# ---')) sectionAt.set(i + 1, l); });
  let lastLine = 0;
  for (const r of names) {
    const ln = +r.where.split(':').pop();
    for (const [at, text] of sectionAt) if (at > lastLine && at < ln) copied.push('', text);
    lastLine = ln;
    const [kind, key, val, ...rest] = r.f;
    const bad = (msg) => { throw new Error(`${r.where}: ${msg}`); };
    if (rest.length || val === undefined) bad('expected 3 fields');
    if (kind === 'hmonth' || kind === 'jmonth') {
      if (!/^([1-9]|1[0-2])$/.test(key)) bad('month must be 1-12');
    } else if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(key)) bad(`bad key '${key}'`);
    if (['hmonth', 'jmonth', 'holiday'].includes(kind)) {
      for (const form of val.split('|')) {
        if (!/^[^\sA-Z|]+( [^\sA-Z|]+)*$/u.test(form) || form !== form.toLowerCase())
          bad(`form '${form}' is not lower case with single spaces`);
        if (seenForms.has(form)) bad(`form '${form}' repeated (first at ${seenForms.get(form)})`);
        seenForms.set(form, r.where);
      }
      if (kind === 'holiday') {
        if (holidays.has(key)) bad(`holiday ${key} repeated`);
        holidays.set(key, { hijriday: null, easter: null, lunar: false, rules: 0 });
      }
      copied.push(r.line);
      continue;
    }
    const h = holidays.get(key);
    if (!h) bad(`unknown holiday ${key} (its holiday row must come first)`);
    if (kind === 'fixed' || kind === 'hijriday') {
      const m = /^(\d{2})-(\d{2})$/.exec(val);
      if (!m || +m[1] < 1 || +m[1] > 12 || +m[2] < 1 || +m[2] > (kind === 'fixed' ? 31 : 30))
        bad(`bad ${kind} '${val}'`);
      if (kind === 'hijriday') h.hijriday = [+m[1], +m[2]];
      h.rules++;
      copied.push(r.line);
    } else if (kind === 'epoch') {
      if (!/^\d{4}$/.test(val)) bad('epoch must be a year');
      copied.push(r.line);
    } else if (kind === 'easter') {
      if (!/^-?\d+$/.test(val)) bad('easter offset must be an integer');
      h.easter = +val;
      h.rules++;
    } else if (kind === 'lunar') {
      if (val !== 'chinese-new-year') bad("lunar rule must be 'chinese-new-year'");
      h.lunar = true;
      h.rules++;
    } else bad(`unknown record kind '${kind}'`);
  }
}

const official = readRows(officialFile, '# idner-calendar-official 1').map((r) => {
  const bad = (msg) => { throw new Error(`${r.where}: ${msg}`); };
  if (r.f.length !== 5 || r.f.some((x) => x === '')) bad('expected 5 non-empty fields');
  const [key, date, hday, src, decree] = r.f;
  const h = holidays.get(key);
  if (!h) bad(`unknown holiday ${key}`);
  const day = parseIso(date);
  if (day === null) bad(`bad date ${date}`);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(src)) bad(`bad source tag ${src}`);
  let hijriDay = null;   // the Gregorian day the Hijri day fell on (pins the month start)
  let pin = false;
  if (h.hijriday) {
    if (hday === '-') { hijriDay = day; pin = true; }
    else if (hday === '?') hijriDay = null;
    else if ((hijriDay = parseIso(hday)) !== null) pin = true;
    else bad(`bad HIJRI-DAY ${hday}`);
  } else if (hday !== '-') bad('HIJRI-DAY must be - for a holiday not on a Hijri day');
  return { key, day, hijriDay, pin, src, decree, where: r.where, h };
});

// ---- Umm al-Qura month starts and the Indonesian pins -------------------------
const NM = (LAST_HYEAR - FIRST_HYEAR + 1) * 12 + 1;
const ym = (i) => [FIRST_HYEAR + Math.floor(i / 12), (i % 12) + 1];
const ymStr = (i) => { const [y, m] = ym(i); return `${y}-${pad(m)}`; };
const uq = [];
for (let i = 0; i < NM; i++) {
  const [y, m] = ym(i);
  const g = hijriToGregorian({ year: y, month: m, day: 1 });
  uq.push(dayOf(g.year, g.month, g.day));
}
// The Umm al-Qura Hijri year of the (m, d) day nearest to `day` (for matching rows).
function hijriYearNear(m, d, day) {
  let best = null;
  for (let i = m - 1; i < NM - 1; i += 12) {
    const dist = Math.abs(uq[i] + d - 1 - day);
    if (best === null || dist < best.dist) best = { i, dist };
  }
  return best && best.dist <= 20 ? best.i : null;
}

const pins = new Map();   // month index -> { day, row }
const notes = [];         // stderr report
for (const o of official) {
  if (!o.h.hijriday) continue;
  const [m, d] = o.h.hijriday;
  const i = hijriYearNear(m, d, o.hijriDay ?? o.day);
  if (i === null) throw new Error(`${o.where}: no Hijri ${m}-${d} within 20 days in 1436-1452 H`);
  o.month = i;
  const uqDay = uq[i] + d - 1;
  const diff = (o.hijriDay ?? o.day) - uqDay;
  if (Math.abs(diff) > MAX_UQ_DIFF)
    throw new Error(`${o.where}: ${iso(o.day)} is ${diff} days from Umm al-Qura ${iso(uqDay)}`);
  if (!o.pin) continue;
  const start = o.hijriDay - (d - 1);
  const prev = pins.get(i);
  if (prev && prev.day !== start)
    throw new Error(`${o.where}: month ${ymStr(i)} starts ${iso(start)}, but ${prev.row.where} says ${iso(prev.day)}`);
  pins.set(i, { day: start, row: o });
}

// Every month between two pins gets the start nearest to Umm al-Qura that keeps all
// months 29 or 30 days long and reaches the next pin.
const start = new Array(NM);
const how = new Array(NM);
for (let i = 0; i < NM; i++) {
  let next = null;
  for (let j = i; j < NM; j++) if (pins.has(j)) { next = j; break; }
  let lo = -Infinity, hi = Infinity;
  if (i > 0) { lo = start[i - 1] + 29; hi = start[i - 1] + 30; }
  if (next !== null) {
    const p = pins.get(next).day;
    lo = Math.max(lo, p - 30 * (next - i));
    hi = Math.min(hi, p - 29 * (next - i));
  }
  if (lo > hi) {
    const who = pins.get(next).row;
    throw new Error(`${who.where}: ${ymStr(next)} cannot start ${iso(pins.get(next).day)}: ` +
      `month ${ymStr(i - 1)} started ${iso(start[i - 1])}` +
      (pins.has(i - 1) ? ` (${pins.get(i - 1).row.where})` : ''));
  }
  if (pins.has(i)) { start[i] = pins.get(i).day; how[i] = 'kemenag'; continue; }
  start[i] = Math.min(hi, Math.max(lo, uq[i]));
  how[i] = start[i] === uq[i] ? 'ummalqura' : 'adjusted';
}
const hijriDate = (i, d) => start[i] + d - 1;

// ---- date rows ----------------------------------------------------------------
const dates = new Map();   // key -> [{ day, src, comment }]
const addDate = (key, day, src, comment) => {
  if (!dates.has(key)) dates.set(key, []);
  dates.get(key).push({ day, src, comment });
};
for (const o of official) {
  if (o.h.hijriday) {
    const tableDay = hijriDate(o.month, o.h.hijriday[1]);
    if (tableDay === o.day) continue;
    const [hy] = ym(o.month);
    const [m, d] = o.h.hijriday;
    addDate(o.key, o.day, o.src, o.hijriDay !== null
      ? `${o.key} ${yearOf(o.day)}: holiday moved from ${iso(o.hijriDay)} (${d}/${m}/${hy} H) to ${iso(o.day)}`
      : `${o.key} ${yearOf(o.day)}: decreed ${iso(o.day)}; the table gives ${d}/${m}/${hy} H = ${iso(tableDay)} (${signed(o.day - tableDay)})`);
  } else addDate(o.key, o.day, o.src, null);
}
for (const [key, h] of holidays) {
  if (h.easter !== null)
    for (let y = FIRST_YEAR; y <= LAST_YEAR; y++) addDate(key, easter(y) + h.easter, 'computus', null);
  if (h.lunar) {
    const decreed = new Map((dates.get(key) ?? []).map((x) => [yearOf(x.day), x.day]));
    for (let y = FIRST_YEAR; y <= LAST_YEAR; y++) {
      const s = Lunar.fromYmd(y, 1, 1).getSolar();
      const day = dayOf(s.getYear(), s.getMonth(), s.getDay());
      if (decreed.has(y)) {
        if (decreed.get(y) !== day)
          throw new Error(`${key} ${y}: decreed ${iso(decreed.get(y))}, lunar-javascript gives ${iso(day)}`);
      } else addDate(key, day, 'lunar-javascript', null);
    }
  }
}
for (const [key, list] of dates) {
  list.sort((a, b) => a.day - b.day);
  const h = holidays.get(key);
  if (h.hijriday || h.easter !== null) continue;
  // lunisolar holidays: a year of 12 or 13 lunar months after the previous one
  for (let k = 1; k < list.length; k++) {
    const gap = list[k].day - list[k - 1].day;
    if (!((gap >= 353 && gap <= 356) || (gap >= 383 && gap <= 385)))
      throw new Error(`${key}: ${iso(list[k - 1].day)} to ${iso(list[k].day)} is ${gap} days`);
  }
}
// Year-to-year check of the official Hijri-day rows (a typo shows as an odd gap).
{
  const byKey = new Map();
  for (const o of official) if (o.h.hijriday) (byKey.get(o.key) ?? byKey.set(o.key, []).get(o.key)).push(o);
  for (const [key, list] of byKey) {
    list.sort((a, b) => a.day - b.day);
    for (let k = 1; k < list.length; k++) {
      const gap = list[k].day - list[k - 1].day;
      if (gap < 353 || gap > 356) throw new Error(`${list[k].where}: ${key} ${gap} days after the previous year`);
    }
  }
}

// ---- output -------------------------------------------------------------------
const out = [];
out.push('# idner-calendar 1');
out.push(
  '# dates-calendar.tsv: GENERATED by sources/calendar/make-calendar.sh - do not edit;',
  '# edit sources/calendar/names.tsv or sources/calendar/indonesia-official.tsv instead.',
  '# Read by the date grammar (lib/calendar.c), not a gazetteer. UTF-8, LF, TAB-separated.',
  '#',
  '# Record kinds:',
  '#   hmonth   N        FORM|FORM|...          Indonesian spellings of Hijri month N (1-12)',
  '#   jmonth   N        FORM|FORM|...          Javanese names of Hijri month N; sela, apit,',
  '#                                            besar, pasa, ruwah are also ordinary words',
  '#   holiday  KEY      FORM|FORM|...          names of a holiday (KEY: [a-z0-9-]+); this row',
  '#                                            comes before the other rows of the KEY',
  '#   fixed    KEY      MM-DD                  on a fixed Gregorian day',
  '#   hijriday KEY      MM-DD                  on a Hijri month-day (Gregorian date from the',
  '#                                            hijri rows)',
  '#   epoch    KEY      YYYY                   "KEY ke-N" is the holiday of the year YYYY + N',
  '#   hijri    YYYY-MM  YYYY-MM-DD  SOURCE     Gregorian day of 1 MM YYYY H in Indonesia; rows',
  '#                                            consecutive, each month 29 or 30 days',
  '#   date     KEY      YYYY-MM-DD  SOURCE     the holiday in that Gregorian year; replaces the',
  '#                                            fixed or hijriday date within 15 days of it',
  '# Forms: lower case, words separated by one space, each form once in the file.',
  '# Sources: ummalqura = npm @tabby_ai/hijri-converter ' + HC_VERSION + ' (Umm al-Qura calendar,',
  '#   MIT, see NOTICE); kemenag = fixed by an official Indonesian date (the SKB 3 Menteri on',
  '#   national holidays, or the Kemenag sidang isbat for 1 Ramadan); adjusted = Umm al-Qura',
  '#   moved by one day so that every month between official dates has 29 or 30 days;',
  '#   skbYYYY[-rev] = the SKB 3 Menteri on the holidays of YYYY [revised]; isbatYYYY;',
  '#   computus = anonymous Gregorian Easter algorithm; lunar-javascript = npm lunar-javascript',
  '#   ' + LUNAR_VERSION + ' (MIT, see NOTICE), Chinese calendar.',
  `# Official dates cover ${FIRST_YEAR}-2026. Later Hijri dates follow Umm al-Qura and may differ`,
  '#   by a day from the eventual Indonesian decree (and from Muhammadiyah\'s calendar).',
  '#   Nyepi and Waisak stop at 2026 (no redistributable source for later years).',
  '#',
  '# Hijri month and holiday names (sources/calendar/names.tsv, written for idner):',
);
out.push(...copied);

out.push('', `# --- Hijri month starts ${ymStr(0)} .. ${ymStr(NM - 1)} (the last row only closes ${ymStr(NM - 2)}) ---`);
let nDiff = 0;
for (let i = 0; i < NM; i++) {
  if (start[i] !== uq[i]) {
    nDiff++;
    const why = pins.has(i) ? pins.get(i).row : null;
    const m = ym(i)[1];
    out.push(`# ${ymStr(i)}: Umm al-Qura ${iso(uq[i])}, Indonesia ${signed(start[i] - uq[i])} day` +
      (why ? ` (${why.key} ${iso(why.day)}, ${why.src})` : ` (keeps ${pad(m === 1 ? 12 : m - 1)} and ${pad(m)} at 29-30 days)`));
  }
  out.push(['hijri', ymStr(i), iso(start[i]), how[i]].join('\t'));
}

out.push('', `# --- Dates of variable holidays, ${FIRST_YEAR}-${LAST_YEAR} ---`);
for (const key of holidays.keys()) {
  const list = dates.get(key);
  if (!list) continue;
  for (const x of list) {
    if (x.comment) out.push(`# ${x.comment}`);
    out.push(['date', key, iso(x.day), x.src].join('\t'));
  }
}
fs.writeFileSync(outFile, out.join('\n') + '\n');

// ---- report -------------------------------------------------------------------
for (const o of official) {
  if (!o.h.hijriday) continue;
  const [m, d] = o.h.hijriday;
  const uqDay = uq[o.month] + d - 1;
  if (o.day !== uqDay)
    notes.push(`${o.key} ${iso(o.day)}: Umm al-Qura ${iso(uqDay)} (${signed(o.day - uqDay)})` +
      (o.hijriDay !== null && o.hijriDay !== o.day ? `, Hijri day ${iso(o.hijriDay)}` : '') +
      (o.pin ? '' : ', not used for the month start'));
}
for (const n of notes) console.error(`  ${n}`);
console.error(`dates-calendar.tsv: ${NM} hijri rows (${nDiff} differ from Umm al-Qura), ` +
  `${[...dates.values()].reduce((a, l) => a + l.length, 0)} date rows, ${holidays.size} holidays`);

#!/usr/bin/env python3
"""check_cases.py: lint of tests/dates/cases.tsv, the date grammar cases.

Checks, independently of the grammar, what can be computed from a row:
  * format: 11 TAB-separated columns, known class, well-formed ref, type,
    value, mod, end value, tz and nhits; span inside text; no repeated text;
  * values: day values are real dates, ISO weeks exist, value shapes fit
    the class (quarters, halves, decades, centuries, weeks, weekends);
  * calendar facts: a weekday (and a Javanese pasaran) named in the text
    agrees with its date; "malam <day>" is the eve; absolute dates, clock
    times and time zones in a span agree with the value;
  * relative values: deictic days, weeks, months, years, quarters and
    "N units ago" computed from the reference date; narrative-relative
    expressions from the last date before them; Hijri dates and holidays
    from the official (Kemenag) table below;
  * coverage: >= 8 rows for each class 1-32 and 35-39, >= 430 rows in all.

Usage: check_cases.py [cases.tsv]. Exit status 0 when clean, 1 otherwise.
"""
import datetime as dt
import os
import re
import sys

NCOL = 11
CLASSES_REQUIRED = [c for c in range(1, 40) if c not in (33, 34)]
MIN_PER_CLASS = 8
MIN_ROWS = 430

MONTHS = {
    'januari': 1, 'jan': 1, 'februari': 2, 'pebruari': 2, 'feb': 2, 'peb': 2,
    'maret': 3, 'mar': 3, 'april': 4, 'apr': 4, 'mei': 5, 'juni': 6, 'jun': 6,
    'juli': 7, 'jul': 7, 'agustus': 8, 'agu': 8, 'agt': 8, 'ags': 8, 'agst': 8,
    'september': 9, 'sep': 9, 'sept': 9, 'oktober': 10, 'okt': 10,
    'november': 11, 'nopember': 11, 'nov': 11, 'nop': 11, 'desember': 12, 'des': 12,
}
WEEKDAYS = {
    'senin': 1, 'selasa': 2, 'rabu': 3, 'kamis': 4, 'jumat': 5, "jum'at": 5,
    'jum\u2019at': 5, 'sabtu': 6, 'minggu': 7, 'ahad': 7,
}
PASARAN = ['legi', 'pahing', 'pon', 'wage', 'kliwon']
PASARAN_EPOCH = dt.date(1945, 8, 17)  # Jumat Legi
NUMWORDS = {
    'se': 1, 'satu': 1, 'dua': 2, 'tiga': 3, 'empat': 4, 'lima': 5, 'enam': 6,
    'tujuh': 7, 'delapan': 8, 'sembilan': 9, 'sepuluh': 10, 'sebelas': 11,
}

# Indonesian government (Kemenag) first days of Hijri months.
HIJRI_START = {
    (1444, 9): '2023-03-23', (1444, 10): '2023-04-22', (1444, 12): '2023-06-20',
    (1445, 1): '2023-07-19', (1445, 3): '2023-09-17', (1445, 9): '2024-03-12',
    (1445, 10): '2024-04-10', (1445, 12): '2024-06-08', (1446, 1): '2024-07-07',
    (1446, 9): '2025-03-01', (1446, 10): '2025-03-31',
}
HIJRI_MONTHS = {
    'muharam': 1, 'muharram': 1, 'suro': 1, 'sura': 1, 'safar': 2,
    'rabiulawal': 3, 'rabiul awal': 3, 'ramadan': 9, 'ramadhan': 9,
    'syawal': 10, 'zulhijah': 12, 'dzulhijjah': 12,
}
# Movable holidays by Gregorian year (Kemenag / SKB): name -> {year: date}.
MOVABLE = {
    'fitri': {2023: '2023-04-22', 2024: '2024-04-10', 2025: '2025-03-31'},
    'adha': {2023: '2023-06-29', 2024: '2024-06-17'},
    'imlek': {2023: '2023-01-22', 2024: '2024-02-10'},
    'nyepi': {2023: '2023-03-22', 2024: '2024-03-11'},
    'waisak': {2023: '2023-06-04', 2024: '2024-05-23'},
    'maulid': {2023: '2023-09-28'},
    'islamnewyear': {2023: '2023-07-19', 2024: '2024-07-07'},
}
FIXED = {'natal': (12, 25), 'tahun baru': (1, 1), 'kemerdekaan': (8, 17), 'hut ri': (8, 17),
         'buruh': (5, 1), 'pahlawan': (11, 10), 'sumpah pemuda': (10, 28),
         'kartini': (4, 21), 'pancasila': (6, 1)}

RE_DAY = re.compile(r'^\d{4}-\d{2}-\d{2}$')
RE_VALUE = re.compile(
    r'^(?:\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2})?|\d{4}-\d{2}|\d{4}|\d{3}|\d{2}|'
    r'\d{4}-W\d{2}(?:-WE)?|\d{4}-Q[1-4]|\d{4}-H[12]|T\d{2}:\d{2}|'
    r'PAST_REF|PRESENT_REF|FUTURE_REF)$')
MODS = {'-', 'START', 'MID', 'END', 'APPROX', 'BEFORE', 'AFTER', 'ON_OR_BEFORE',
        'ON_OR_AFTER', 'LESS_THAN', 'MORE_THAN', 'EQUAL_OR_LESS', 'EQUAL_OR_MORE'}
TZ = {'WIB': 420, 'WITA': 480, 'WIT': 540}
CLASS_SHAPE = {
    13: r'^\d{3}$', 14: r'^\d{2}$', 20: r'^\d{4}-W\d{2}$', 21: r'^\d{4}-W\d{2}-WE$',
    25: r'^(PAST|PRESENT|FUTURE)_REF$', 27: r'^\d{4}-Q[1-4]$', 28: r'^\d{4}-H[12]$',
    31: r'^(\d{4}-\d{2}-\d{2})?T\d{2}:\d{2}$',
}


def day(s):
    return dt.date.fromisoformat(s)


def iso_week(d):
    y, w, _ = d.isocalendar()
    return '%04d-W%02d' % (y, w)


def weeks_in_year(y):
    return dt.date(y, 12, 28).isocalendar()[1]


def add_months(d, n):
    m = d.year * 12 + d.month - 1 + n
    return m // 12, m % 12 + 1


def number(word):
    w = word.lower()
    if w.isdigit():
        return int(w)
    if w in NUMWORDS:
        return NUMWORDS[w]
    m = re.match(r'^(\w+) belas$', w)
    if m and m.group(1) in NUMWORDS:
        return 10 + NUMWORDS[m.group(1)]
    m = re.match(r'^(\w+) puluh(?: (\w+))?$', w)
    if m and m.group(1) in NUMWORDS:
        return 10 * NUMWORDS[m.group(1)] + (NUMWORDS.get(m.group(2), 0) if m.group(2) else 0)
    return None


def shift(anchor, n, unit):
    """anchor shifted by n units, at the unit's granularity."""
    if unit == 'hari':
        return (anchor + dt.timedelta(days=n)).isoformat()
    if unit in ('pekan', 'minggu'):
        return iso_week(anchor + dt.timedelta(days=7 * n))
    if unit == 'bulan':
        return '%04d-%02d' % add_months(anchor, n)
    if unit == 'tahun':
        return '%04d' % (anchor.year + n)
    if unit == 'windu':
        return '%04d' % (anchor.year + 8 * n)
    return None


NUM = r'(\d+|se|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|' \
      r'(?:\w+) belas|(?:\w+) puluh(?: \w+)?)'
RE_AGO = re.compile(r'^' + NUM + r' ?(hari|pekan|minggu|bulan|tahun|windu)'
                    r' (lalu|yang lalu|silam|mendatang|lagi)$', re.I)
RE_NARR = re.compile(r'^(?:' + NUM + r' ?(hari|pekan|minggu|bulan|tahun)'
                     r' (kemudian|setelahnya|sesudahnya|sebelumnya)|keesokan harinya)$', re.I)
DEICTIC = {'hari ini': 0, 'kemarin': -1, 'besok': 1, 'esok': 1, 'esok hari': 1, 'lusa': 2,
           'besok lusa': 2, 'kemarin lusa': -2, 'semalam': -1, 'tadi malam': -1,
           'tadi pagi': 0, 'malam ini': 0, 'pagi ini': 0, 'nanti malam': 0,
           'besok pagi': 1, 'besok malam': 1, 'kemarin sore': -1, 'dini hari tadi': 0}
REL = {'lalu': -1, 'kemarin': -1, 'yang lalu': -1, 'ini': 0, 'depan': 1, 'mendatang': 1}

MONTH_RE = '|'.join(sorted(MONTHS, key=len, reverse=True))
WD_RE = '|'.join(sorted((re.escape(w) for w in WEEKDAYS), key=len, reverse=True))
RE_DMY = re.compile(r'\b(\d{1,2}) (' + MONTH_RE + r')\.? (?:tahun )?(\d{4})\b', re.I)
RE_NUMDATE = re.compile(r'(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})\b')
RE_DM_PAREN = re.compile(r'\((\d{1,2})/(\d{1,2})(?:/(\d{4}))?\)')
RE_WD_DATE = re.compile(r'\b(' + WD_RE + r')(?: (' + '|'.join(PASARAN) + r'))?,? ?'
                        r'(?:\((\d{1,2})/(\d{1,2})/(\d{4})\)|(\d{1,2})/(\d{1,2})/(\d{4})|'
                        r'(\d{1,2}) (' + MONTH_RE + r')\.? (\d{4}))', re.I)
RE_YEAR = re.compile(r'(?<![\d/.-])(1[89]\d\d|20\d\d)(?![\d-])')


def absolute_dates(text):
    """(end offset, date) of every absolute day date in text."""
    out = []
    for m in RE_DMY.finditer(text):
        out.append((m.end(), dt.date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))))
    for m in RE_NUMDATE.finditer(text):
        out.append((m.end(), dt.date(int(m.group(4)), int(m.group(3)), int(m.group(1)))))
    for m in RE_DM_PAREN.finditer(text):
        if m.group(3):
            out.append((m.end(), dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))))
    return sorted(out, key=lambda x: x[0])


class Checker:
    def __init__(self, path):
        self.path = path
        self.errors = []
        self.rows = []

    def err(self, line, msg):
        self.errors.append('%s:%d: %s' % (os.path.basename(self.path), line, msg))

    def load(self):
        with open(self.path, encoding='utf-8') as f:
            lines = f.read().split('\n')
        if not lines or not lines[0].startswith('#'):
            self.err(1, 'first line must be the header, starting with "#"')
        for no, line in enumerate(lines, 1):
            if not line or line.startswith('#'):
                continue
            cols = line.split('\t')
            if len(cols) == NCOL - 1:
                cols.append('')
            if len(cols) != NCOL:
                self.err(no, '%d columns, want %d' % (len(cols), NCOL))
                continue
            self.rows.append((no, cols))

    # -- one row ------------------------------------------------------------
    def check_row(self, no, cols):
        cls, ref, text, span, typ, value, mod, end, tz, nhits, _note = cols
        e = lambda msg: self.err(no, '[%s] %s' % (cls, msg))
        if not (cls in ('neg', 'span') or (cls.isdigit() and 1 <= int(cls) <= 39)):
            return e('unknown class %r' % cls)
        if cls in ('33', '34'):
            e('durations and sets (33, 34) are not tagged: use class neg')
        refd = None
        if ref != '-':
            try:
                refd = day(ref)
                if not RE_DAY.match(ref):
                    raise ValueError
            except ValueError:
                return e('bad ref %r' % ref)
        if not text.strip():
            return e('empty text')
        if not nhits.isdigit() or not re.match(r'^-?\d+$', tz):
            return e('nhits / tz not integers')
        if cls == 'neg':
            if (span, typ, value, mod, end, tz, nhits) != ('-', '-', '-', '-', '-', '0', '0'):
                e('a neg row has span/type/value/mod/end "-", tz 0 and nhits 0')
            return
        if span not in text:
            return e('span %r not in text' % span)
        if typ not in ('DATE', 'TIME'):
            e('type %r' % typ)
        if int(nhits) < 1:
            e('nhits must be >= 1')
        for what, v in (('value', value), ('end_value', end)):
            if v == '-':
                continue
            if not RE_VALUE.match(v):
                e('%s %r is not a TIMEX3 value' % (what, v))
                continue
            if re.match(r'^\d{4}-\d{2}', v) and not re.match(r'^\d{4}-[WQH]', v):
                try:
                    if len(v) >= 10:
                        day(v[:10])
                    elif not 1 <= int(v[5:7]) <= 12:
                        raise ValueError
                except ValueError:
                    e('%s %r is not a real date' % (what, v))
            m = re.match(r'^(\d{4})-W(\d{2})', v)
            if m and not 1 <= int(m.group(2)) <= weeks_in_year(int(m.group(1))):
                e('%s %r: %s has %d ISO weeks' % (what, v, m.group(1), weeks_in_year(int(m.group(1)))))
            m = re.match(r'T(\d{2}):(\d{2})', v[10:] if len(v) > 10 else v)
            if m and (int(m.group(1)) > 23 or int(m.group(2)) > 59):
                e('%s %r: bad clock time' % (what, v))
        if end != '-' and value != '-' and len(end) == len(value) and end < value:
            e('end_value %s before value %s' % (end, value))
        if mod not in MODS:
            e('mod %r' % mod)
        if typ == 'TIME' and value != '-' and not re.search(r'T\d\d:', value):
            e('a TIME value has a clock time')
        if typ == 'DATE' and re.search(r'T\d\d:', value):
            e('a DATE value has no clock time (the day\'s value, ENTITIES.md)')
        # time zones
        zm = re.search(r'\b(WITA|WIB|WIT)\b', span)
        if typ == 'DATE' and tz != '0':
            e('a DATE carries no tz (the attached clock time keeps the day\'s value)')
        if typ == 'TIME':
            want = TZ[zm.group(1)] if zm else 0
            if int(tz) != want:
                e('tz %s, but the span says %s' % (tz, zm.group(1) if zm else 'no zone'))
        # class shapes
        if cls.isdigit() and int(cls) in CLASS_SHAPE and value != '-':
            if not re.match(CLASS_SHAPE[int(cls)], value):
                e('value %r does not fit class %s' % (value, cls))
        if cls in ('29', '30') and end == '-':
            e('a range row has an end_value')
        self.check_calendar(e, text, span, typ, value, end)
        self.check_relative(e, cls, refd, text, span, value, mod)
        self.check_clock(e, span, typ, value, end)
        self.check_hijri(e, refd, span, value, text)

    # weekdays, pasaran, absolute dates
    def check_calendar(self, e, text, span, typ, value, end):
        for m in RE_WD_DATE.finditer(text):
            wd = WEEKDAYS[m.group(1).lower()]
            g = m.groups()
            if g[2]:
                d = dt.date(int(g[4]), int(g[3]), int(g[2]))
            elif g[5]:
                d = dt.date(int(g[7]), int(g[6]), int(g[5]))
            else:
                d = dt.date(int(g[10]), MONTHS[g[9].lower()], int(g[8]))
            if d.isoweekday() != wd:
                e('%r: %s is a %s' % (m.group(0), d, d.strftime('%A')))
            if g[1] and PASARAN[(d - PASARAN_EPOCH).days % 5] != g[1].lower():
                e('%r: %s is %s' % (m.group(0), d, PASARAN[(d - PASARAN_EPOCH).days % 5]))
        if not RE_DAY.match(value[:10]) or (len(value) > 10 and value[10] != 'T'):
            return
        d = day(value[:10])
        m = re.search(r'(?:^|\b)(malam )?(' + WD_RE + r')(?: (' + '|'.join(PASARAN) + r'))?\b',
                      span, re.I)
        if m and not re.search(r'\b(minggu|pekan) (lalu|ini|depan|kemarin)', m.group(0) + span[m.end():m.end() + 8], re.I):
            named = d + dt.timedelta(days=1) if m.group(1) else d
            if named.isoweekday() != WEEKDAYS[m.group(2).lower()]:
                e('span names %s but %s%s is a %s' % (m.group(2), named,
                  ' (the day after the eve)' if m.group(1) else '', named.strftime('%A')))
            if m.group(3) and PASARAN[(named - PASARAN_EPOCH).days % 5] != m.group(3).lower():
                e('span names %s but %s is %s' % (m.group(3), named,
                  PASARAN[(named - PASARAN_EPOCH).days % 5]))
        dates = absolute_dates(span)
        if dates and typ == 'DATE' and not end != '-':
            if dates[0][1] != d:
                e('span holds %s, value %s' % (dates[0][1], value))
        if dates and end != '-' and RE_DAY.match(end):
            if dates[-1][1] != day(end):
                e('span ends with %s, end_value %s' % (dates[-1][1], end))
        pm = RE_DM_PAREN.search(span)
        if pm and (int(pm.group(1)), int(pm.group(2))) != (d.day, d.month):
            e('span holds %s/%s, value %s' % (pm.group(1), pm.group(2), value))

    # values computable from the reference date or from an earlier date
    def check_relative(self, e, cls, refd, text, span, value, mod):
        s = span.lower()
        want = None
        computable = True
        m = RE_NARR.match(s)
        if m:
            before = [d for end, d in absolute_dates(text) if end <= text.index(span)]
            anchor = before[-1] if before else None
            if anchor is None:
                ym = [mm for mm in RE_YEAR.finditer(text[:text.index(span)])]
                if ym and m.group(2) == 'tahun':
                    anchor = dt.date(int(ym[-1].group(1)), 1, 1)
            if anchor is None:
                anchor = refd
            if s == 'keesokan harinya':
                want = shift(anchor, 1, 'hari') if anchor else '-'
            else:
                n = number(m.group(1))
                if m.group(3) == 'sebelumnya':
                    n = -n
                want = shift(anchor, n, m.group(2)) if anchor else '-'
            return self.expect(e, value, want, 'narrative-relative from %s' % anchor)
        if s in DEICTIC:
            want = (refd + dt.timedelta(days=DEICTIC[s])).isoformat() if refd else '-'
        elif RE_AGO.match(s):
            m = RE_AGO.match(s)
            n = number(m.group(1))
            if m.group(3) in ('lalu', 'yang lalu', 'silam'):
                n = -n
            want = shift(refd, n, m.group(2)) if refd else '-'
        else:
            m = re.match(r'^(awal |akhir )?(?:(se|dua|tiga) ?)?(pekan|minggu) '
                         r'(lalu|ini|depan|kemarin|yang lalu)$', s)
            m2 = re.match(r'^(bulan|tahun|kuartal) (lalu|ini|depan)$', s)
            if m:
                n = REL[m.group(4)] * (number(m.group(2)) if m.group(2) else 1)
                if m.group(2) and m.group(4) == 'ini':
                    computable = False
                want = shift(refd, n, 'pekan') if refd else '-'
                if want != '-' and m.group(1) == 'akhir ':
                    want += '-WE'
                if m.group(1) == 'awal ' and mod != 'START':
                    e('"awal" gives mod START')
            elif m2:
                n = REL[m2.group(2)]
                if m2.group(1) == 'kuartal':
                    if refd:
                        q = (refd.year * 4 + (refd.month - 1) // 3) + n
                        want = '%04d-Q%d' % (q // 4, q % 4 + 1)
                    else:
                        want = '-'
                else:
                    want = shift(refd, n, m2.group(1)) if refd else '-'
            else:
                computable = False
        if computable:
            self.expect(e, value, want, 'relative to the reference %s' % (refd or '-'))

    def expect(self, e, value, want, why):
        if want is not None and value != want:
            e('value %s, computed %s (%s)' % (value, want, why))

    def check_clock(self, e, span, typ, value, end):
        if typ != 'TIME':
            return
        times = re.findall(r'(\d{1,2}) ?[.:] ?(\d{2})(?!\d)', span)
        vals = [v for v in (value, end) if v != '-']
        for (hh, mm), v in zip(times, vals):
            if v[-5:] != '%02d:%s' % (int(hh), mm):
                e('clock %s.%s in the span, value %s' % (hh, mm, v))
        m = re.search(r'\bjam (\d{1,2}) (pagi|siang|sore|malam)\b', span)
        if m and vals:
            h, part = int(m.group(1)), m.group(2)
            if part == 'malam':
                h = 0 if h == 12 else (h + 12 if h < 12 and h >= 6 else h)
            elif part in ('siang', 'sore') and h < 11:
                h += 12
            if vals[0][-5:-3] != '%02d' % h:
                e('"%s" is %02d:00, value %s' % (m.group(0), h, vals[0]))

    def check_hijri(self, e, refd, span, value, text=''):
        s = span.lower()
        hm = '|'.join(sorted(HIJRI_MONTHS, key=len, reverse=True))
        m = re.search(r'(?:^|\b)(\d{1,2} )?(' + hm + r') (\d{4})(?: h\b| hijriah\b)', s)
        if m:
            month, year = HIJRI_MONTHS[m.group(2)], int(m.group(3))
            start = HIJRI_START.get((year, month))
            if start is None:
                return e('no official start for %s %d H in the lint table' % (m.group(2), year))
            start = day(start)
            if m.group(1):
                want = (start + dt.timedelta(days=int(m.group(1)) - 1)).isoformat()
            elif 'idul' in s or 'iduladha' in s or 'idulfitri' in s or 'tahun baru islam' in s:
                return
            else:
                nxt = HIJRI_START.get((year + (month == 12), month % 12 + 1))
                last = day(nxt) - dt.timedelta(days=1) if nxt else None
                lo, hi = start + dt.timedelta(days=28), start + dt.timedelta(days=29)
                if last is not None:
                    lo = hi = last
                if (start.year, start.month) == (lo.year, lo.month) == (hi.year, hi.month):
                    want = '%04d-%02d' % (start.year, start.month)
                elif start.year == lo.year == hi.year:
                    want = '%04d' % start.year
                elif start.year != lo.year and start.year != hi.year:
                    want = None
                else:
                    return
            return self.expect(e, value, want, 'Hijri table')
        # holidays
        kind = None
        for k, pat in (('fitri', r'idul ?fitri|lebaran'), ('adha', r'idul ?adha'),
                       ('imlek', 'imlek'), ('nyepi', 'nyepi'), ('waisak', 'waisak'),
                       ('maulid', 'maulid'), ('islamnewyear', 'tahun baru islam')):
            if re.search(pat, s):
                kind = k
                break
        hijri_year = re.search(r'\b(14\d\d) h', s)
        if kind and hijri_year:
            hy = int(hijri_year.group(1))
            table = {'fitri': (hy, 10, 1), 'adha': (hy, 12, 10), 'islamnewyear': (hy, 1, 1),
                     'maulid': (hy, 3, 12)}
            if kind in table:
                y, mo, dd = table[kind]
                st = HIJRI_START.get((y, mo))
                if st:
                    return self.expect(e, value, (day(st) + dt.timedelta(days=dd - 1)).isoformat(),
                                       'Hijri table')
            return
        if kind:
            tbl = MOVABLE[kind]
            gy = re.search(r'\b(20\d\d)\b', s)
            cands = sorted(day(v) for v in tbl.values())
            if gy:
                want = tbl.get(int(gy.group(1)))
            elif refd is None:
                want = '-'
            elif re.search(r'\blalu$', s) and 'tahun lalu' not in s:
                past = [c for c in cands if c < refd]
                want = past[-1].isoformat() if past else None
            elif (re.search(r'\b(mendatang|depan)$', s) and 'tahun depan' not in s) or \
                    re.search(r'\b(menjelang|jelang|sebelum) ' + re.escape(span) + r'\b', text, re.I):
                # "menjelang Lebaran": the next one
                fut = [c for c in cands if c > refd]
                want = fut[0].isoformat() if fut else None
            else:
                off = -1 if 'tahun lalu' in s else 1 if 'tahun depan' in s else 0
                want = tbl.get(refd.year + off)
            if want is None:
                return e('no %s date in the lint table' % kind)
            return self.expect(e, value, want, 'holiday table')
        for name, (mo, dd) in FIXED.items():
            if name in s and not re.search(r'\b(idul|islam)\b', s):
                eve = s.startswith('malam ')
                m = re.search(r'\bke-(\d+)\b', s)
                gy = re.search(r'\b(\d{4})\b', s)
                if m and 'hut' in s:
                    y = 1945 + int(m.group(1))
                elif gy:
                    y = int(gy.group(1))
                elif refd is None:
                    return self.expect(e, value, '-', 'fixed holiday, no reference')
                elif s.endswith(' lalu'):
                    y = refd.year if (refd.month, refd.day) > (mo, dd) else refd.year - 1
                else:
                    y = refd.year + (1 if 'tahun depan' in s else -1 if 'tahun lalu' in s else 0)
                want = dt.date(y, mo, dd) - dt.timedelta(days=1 if eve else 0)
                return self.expect(e, value, want.isoformat(), 'fixed holiday')

    # -- whole file ---------------------------------------------------------
    def run(self):
        self.load()
        texts = {}
        counts = {}
        for no, cols in self.rows:
            self.check_row(no, cols)
            if cols[2] in texts:
                self.err(no, 'text repeated from line %d: %r' % (texts[cols[2]], cols[2]))
            texts.setdefault(cols[2], no)
            counts[cols[0]] = counts.get(cols[0], 0) + 1
        for c in CLASSES_REQUIRED:
            if counts.get(str(c), 0) < MIN_PER_CLASS:
                self.errors.append('class %d: %d rows, want >= %d' % (c, counts.get(str(c), 0),
                                                                       MIN_PER_CLASS))
        if len(self.rows) < MIN_ROWS:
            self.errors.append('%d rows, want >= %d' % (len(self.rows), MIN_ROWS))
        return counts


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    path = argv[1] if len(argv) > 1 else os.path.join(here, 'cases.tsv')
    ck = Checker(path)
    counts = ck.run()
    order = sorted(counts, key=lambda c: (not c.isdigit(), int(c) if c.isdigit() else 0, c))
    print('rows %d; per class: %s' % (len(ck.rows), ' '.join('%s:%d' % (c, counts[c]) for c in order)))
    for msg in ck.errors:
        print(msg)
    print('%d problem(s)' % len(ck.errors))
    return 1 if ck.errors else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))

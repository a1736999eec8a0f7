#!/usr/bin/env python3
"""make-seeds.py - writes the fuzz targets' seed corpora (tests/fuzz/corpus/).

Run from anywhere: python3 tests/fuzz/make-seeds.py. Deterministic; the
output is committed. Sources: the seed article (examples/seed.txt),
sentences written for these seeds, date expressions from
tests/dates/cases.tsv, the embedded date grammar and calendar
(lib/gazetteers/), and hostile bytes (every class of invalid UTF-8, NULs,
long runs). File names are seed-NN-what.
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")

# Sentences written for the seeds (not from any corpus).
OWN = [
    "Gubernur Jawa Barat Ridwan Kamil meresmikan Bandara Kertajati di Majalengka, Senin (24/5/2018).",
    "Menteri Keuangan Sri Mulyani Indrawati menghadiri rapat di Gedung DPR RI pada 5 Oktober 2023.",
    "PT Bank Rakyat Indonesia (Persero) Tbk mencatat laba Rp 29,56 triliun pada semester I/2023.",
    "Tim SAR gabungan dari Basarnas mencari korban di Sungai Musi, Palembang, sejak kemarin.",
    "Dr. H. Ahmad Syafii Maarif, M.A. lahir di Sumpur Kudus pada 31 Mei 1935.",
    "Presiden Prancis Emmanuel Macron berkunjung ke Jakarta pekan depan, kata Kemenlu.",
    "Rapat digelar pukul 09.30 WIB di Kantor Gubernur DKI Jakarta, Jalan Medan Merdeka Selatan.",
    "Festival itu berlangsung 12-14 Juni 2024 di Yogyakarta dan dibuka oleh Sultan Hamengku Buwono X.",
    "Warga Desa Sukamaju, Kabupaten Bogor, mengungsi setelah banjir bandang pada malam Minggu.",
    "Kunjungi https://www.contoh.go.id atau kirim surel ke humas@contoh.go.id #Pemilu2024 @kpu_ri",
    "Harga cabai naik 50% menjadi Rp80.000/kg menjelang Lebaran tahun ini.",
    "Universitas Gadjah Mada (UGM) menerima 9.000 mahasiswa baru pada awal tahun ajaran 2023/2024.",
    "Pada abad ke-19, Pangeran Diponegoro memimpin Perang Jawa melawan Belanda (1825-1830).",
    "Jumat Kliwon lalu, ratusan warga berkumpul di alun-alun Kota Solo.",
    "Kuartal III/2023 ekonomi tumbuh 4,94 persen, ujar Kepala BPS Amalia Adininggar Widyasanti.",
    "Sehari kemudian, tepatnya 29 September 2018, tim medis tiba di Palu, Sulawesi Tengah.",
    "Ibu Megawati Soekarnoputri dan Pak Prabowo Subianto bertemu di Teuku Umar, Jakarta Pusat.",
    "Sidang MK dimulai Selasa (2/1) malam pukul 19.00-21.00 WITA.",
]

HOSTILE = [
    b"\xc0\xaf\xe0\x80\xaf\xf0\x80\x80\xaf overlong",
    b"surrogate \xed\xa0\x80\xed\xbf\xbf end",
    b"truncated \xe2\x82 and \xf0\x9f\x98 end \xc3",
    b"stray \x80\x81\xbf continuation \xbf",
    b"\xf5\xff\xfe bytes never valid \xf4\x90\x80\x80",
    b"NUL\x00inside\x00 Jakarta\x00 19 September\x002023",
    b"",
    b" ",
    b"\n\n\n\r\n\t\t ",
    b"A" * 3000,
    b"." * 2000,
    b"(((((((((((((((((((( 19/9/2023 ))))))))))))))))))))",
    b"1/1/1 " * 200,
    "\u201cKutipan\u201d \u2014 \u00c9l\u00e8ve \u00bd \u0130stanbul \ufeff\u200b\u00a0Jakarta".encode(),
    "\U0001F600 \U0001F1EE\U0001F1E9 \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u4e2d\u6587".encode(),
    b"Dr. Dr. Dr. Prof. Ir. H. M. S.H. M.Si. Tbk (Persero) PT PT PT",
    b"pukul 99.99 WIB 32/13/2023 31 Februari 2023 0 Januari 10000 tahun 99999",
    b"abad ke-999999999999 tahun 1990-an 500 SM HUT RI ke-99999 semester IX/2023",
    b"kemarin lusa besok lusa 5 tahun silam 99 tahun lalu sembilan puluh sembilan tahun lalu",
]


def seed_texts():
    article = open(os.path.join(ROOT, "examples", "seed.txt"), "rb").read()
    paras = [p for p in article.split(b"\n") if p.strip()]
    texts = [article] + paras[:6]
    texts += [s.encode() for s in OWN]
    cases = []
    for line in open(os.path.join(ROOT, "tests", "dates", "cases.tsv"), encoding="utf-8"):
        if line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        if len(f) > 2:
            cases.append((f[1], f[2]))
    rnd = random.Random(6)
    picked = rnd.sample(cases, 16)
    return texts, picked


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def date_bytes(ref):
    """fuzz_analyze.c's 3 date bytes for ref (YYYY-MM-DD, or '-' for none):
    mode 1 (a real day) with year 2023 or 2024 when possible."""
    if ref in ("-", ""):
        return bytes([0, 0, 0])
    y, m, d = (int(x) for x in ref.split("-"))
    years = [2023, 2024, 1, 9999, 1945, 2000, 1900, 2100]
    for k, base in enumerate(years):
        off = y - base + 3
        if 0 <= off < 8:
            # ref_year = years[b & 7] + (b >> 3 & 7) - 3, mode 1 = b >> 6 == 1
            b0 = 0x40 | off << 3 | k
            break
    else:
        b0 = 0x40
    # ref_day = 1 + b % 28 + (b >> 7) * (b % 3): the first byte giving d (31: 30)
    b2 = next(b for b in range(256) if 1 + b % 28 + (b >> 7) * (b % 3) == min(d, 30))
    return bytes([b0, (m - 1), b2])


def main():
    texts, cases = seed_texts()
    hostile = HOSTILE
    # analyze: types, flags/profile, date, text
    n = 0
    for i, t in enumerate(texts):
        hdr = bytes([0x80, (i % 4) << 4]) + date_bytes("2023-09-19")
        write("analyze", "seed-%02d-text" % n, hdr + t); n += 1
    for ref, t in cases:
        write("analyze", "seed-%02d-date" % n, bytes([0x80 | 0x60, 0]) + date_bytes(ref) + t.encode()); n += 1
    for i, t in enumerate(hostile):
        write("analyze", "seed-%02d-hostile" % n, bytes([0x80, i & 1]) + date_bytes("-") + t); n += 1
    write("analyze", "seed-%02d-strict" % n, bytes([0x80, 1]) + date_bytes("2023-09-19") + OWN[0].encode()); n += 1
    write("analyze", "seed-%02d-types0" % n, bytes([0, 0]) + date_bytes("-") + OWN[1].encode()); n += 1
    write("analyze", "seed-%02d-badref" % n, bytes([0x80, 0, 0xC5, 14, 40]) + OWN[2].encode()); n += 1
    write("analyze", "seed-%02d-badprofile" % n, bytes([0x80, 0xF0]) + date_bytes("-") + OWN[3].encode()); n += 1

    # analyze_tokens: types, options, tokens split by TAB, sentences by LF
    n = 0
    for i, t in enumerate(texts[1:] + [s.encode() for s in OWN[:6]]):
        body = b"\n".join(b"\t".join(s.split()) for s in t.split(b". ") if s.split())
        write("analyze_tokens", "seed-%02d-tokens" % n, bytes([0x80, (i & 3) << 1 | 0x30]) + body); n += 1
    for ref, t in cases[:8]:
        write("analyze_tokens", "seed-%02d-date" % n, bytes([0x80, 0x30]) + b"\t".join(t.encode().split())); n += 1
    for t in hostile:
        toks = t.split() or [t]
        write("analyze_tokens", "seed-%02d-hostile" % n, bytes([0x80, 0x08]) + b"\x01".join(toks)); n += 1
    write("analyze_tokens", "seed-%02d-empty-token" % n, bytes([0x80, 0]) + b"Joko\t\tWidodo"); n += 1
    write("analyze_tokens", "seed-%02d-no-starts" % n, bytes([0x80, 4]) + b"Joko\tWidodo\nke\tSurabaya"); n += 1
    write("analyze_tokens", "seed-%02d-inner-space" % n, bytes([0x80, 8]) + b"Amerika Serikat\x01dan\x02New York\x01City"); n += 1

    # dates: year (2 bytes), month, day, text
    n = 0
    for ref, t in cases:
        if ref == "-":
            hdr = bytes([0, 0, 0, 0])
        else:
            y, m, d = (int(x) for x in ref.split("-"))
            hdr = bytes([y >> 8, y & 0xFF, m - 1, d - 1])
        write("dates", "seed-%02d-case" % n, hdr + t.encode()); n += 1
    for t in [s.encode() for s in OWN if any(c.isdigit() for c in s)] + hostile[10:]:
        write("dates", "seed-%02d-text" % n, bytes([7, 231, 8, 18]) + t); n += 1
    write("dates", "seed-%02d-article" % n, bytes([0x80, 33, 8, 18]) + texts[0]); n += 1

    # load: flags byte, then "====N\n" sections (N picks fuzz_load.c's file name)
    names = ["a.tsv", "places.tsv", "nations.tsv", "persons.tsv", "dates-grammar.tsv",
             "dates-calendar.tsv", "model.bin", "zz.tsv", "notes.txt", ".hidden.tsv",
             "titles.tsv", "organizations.tsv"]

    def sec(name, body):
        return b"====" + bytes([names.index(name)]) + b"\n" + body + b"\n"

    H = b"# idner-gazetteer 1\n"
    gaz = {
        "ok-small": sec("a.tsv", H + "Joko Widodo\tPER\nJakarta\tLOC\nIndonesia\tNAT\tID\nKPK\tORG\tKomisi Pemberantasan Korupsi\nbank\tCOMMON\t\tambig\n".encode()),
        "ok-multi": sec("places.tsv", H + b"Surabaya\tLOC\n") + sec("nations.tsv", H + b"Prancis\tNAT\tFR\n") + sec("persons.tsv", H + b"Emmanuel Macron\tPER\nMacron\tSURNAME\n") + sec("titles.tsv", H + b"Presiden\tTITLE\nPak\tTITLE\t\tcs\n"),
        "bad-version": sec("a.tsv", b"# idner-gazetteer 2\nJakarta\tLOC\n"),
        "bad-class": sec("a.tsv", H + b"Jakarta\tLOK\n"),
        "nat-no-code": sec("a.tsv", H + b"Indonesia\tNAT\n"),
        "bad-flag": sec("a.tsv", H + b"Jakarta\tLOC\t\tweird\n"),
        "bad-utf8": sec("a.tsv", H + b"Jak\xffarta\tLOC\n"),
        "long-line": sec("a.tsv", H + b"X" * 5000 + b"\tLOC\n"),
        "empty-surface": sec("a.tsv", H + b"\tLOC\n"),
        "missing-class": sec("a.tsv", H + b"Jakarta\n"),
        "no-header": sec("a.tsv", b"Jakarta\tLOC\n"),
        "empty-file": sec("a.tsv", b""),
        "crlf": sec("a.tsv", H.replace(b"\n", b"\r\n") + b"Jakarta\tLOC\r\n"),
        "duplicates": sec("a.tsv", H + b"Jakarta\tLOC\nJakarta\tLOC\nJakarta\tORG\n"),
        "no-tsv": sec("notes.txt", b"nothing here\n") + sec(".hidden.tsv", H + b"Bali\tLOC\n"),
        "model-junk": sec("a.tsv", H + b"Bali\tLOC\n") + sec("model.bin", b"IDNERSEQ\x01\x00\x00\x00" + bytes(range(64))),
        "model-bad-magic": sec("a.tsv", H + b"Bali\tLOC\n") + sec("model.bin", b"NOTAMODEL"),
        "grammar-bad": sec("a.tsv", H + b"Bali\tLOC\n") + sec("dates-grammar.tsv", b"# idner-dates-grammar 1\nrule\tkompas\t(unclosed\n"),
        "calendar-bad": sec("a.tsv", H + b"Bali\tLOC\n") + sec("dates-calendar.tsv", b"# idner-calendar 1\nnonsense\n"),
    }
    gz = os.path.join(ROOT, "lib", "gazetteers")
    grammar = open(os.path.join(gz, "dates-grammar.tsv"), "rb").read()
    calendar = open(os.path.join(gz, "dates-calendar.tsv"), "rb").read()
    gaz["grammar-full"] = sec("a.tsv", H + b"Bali\tLOC\n") + sec("dates-grammar.tsv", grammar)
    gaz["calendar-full"] = sec("a.tsv", H + b"Bali\tLOC\n") + sec("dates-calendar.tsv", calendar)
    for f in ("places.tsv", "titles.tsv", "loc-heads.tsv", "org-heads.tsv"):
        gaz["copy-" + f[:-4]] = sec("zz.tsv", open(os.path.join(gz, f), "rb").read())
    # small model.bin files (lib/tagger.c's format, without the checksum:
    # fuzz_load appends it when bit 3 of byte 0 is set), first: a file's
    # last byte would otherwise be sec()'s newline
    import struct

    def model(rows, classes, names=(b"nerui",), nl=7, scale=1.0 / 256):
        b = b"IDNERSEQ" + struct.pack("<6I", 1, 2, 0xFFFF, nl, len(rows), struct.unpack("<I", struct.pack("<f", scale))[0])
        b += struct.pack("<I", len(names)) + b"".join(bytes([len(x)]) + x for x in names)
        b += struct.pack("<I", len(classes)) + b"".join(classes)
        b += bytes((i * 7) & 0xFF for i in range((nl + 1) * nl * 2))
        for key in rows:
            b += struct.pack("<I", key) + bytes((key + i) & 0xFF for i in range(2 * nl))
        return b

    gaz["model-tiny"] = sec("model.bin", model([], [])) + sec("a.tsv", H + b"Bali\tLOC\n")
    gaz["model-rows"] = sec("model.bin", model([1, 5, 99, 0xFFFFFFFF, 7], [b"\x01\x02\x03\x04\x05\x06"])) + sec("a.tsv", H + b"Bali\tLOC\n")
    gaz["model-profiles"] = sec("model.bin", model([3, 4], [], names=(b"nerui", b"nerugm", b"idner-news-2k", b"nergrit"))) + sec("a.tsv", H + b"Bali\tLOC\n")
    gaz["model-bad-labels"] = sec("model.bin", model([3], [], nl=5)) + sec("a.tsv", H + b"Bali\tLOC\n")
    n = 0
    for k in sorted(gaz):
        write("load", "seed-%02d-%s" % (n, k), (b"\x08" if k.startswith("model-") and "junk" not in k and "magic" not in k else b"\x00") + gaz[k]); n += 1
    write("load", "seed-%02d-on-default" % n, b"\x01" + gaz["ok-small"]); n += 1
    write("load", "seed-%02d-no-model" % n, b"\x03" + gaz["ok-multi"]); n += 1
    write("load", "seed-%02d-small-errbuf" % n, b"\x04" + gaz["bad-class"]); n += 1
    write("load", "seed-%02d-empty-dir" % n, b"\x00"); n += 1

    # jsonl: idner-tag's JSON Lines input
    n = 0
    import json
    lines = []
    for i, t in enumerate([s.decode("utf-8", "replace") for s in texts[1:6]] + OWN):
        lines.append(json.dumps({"id": i, "text": t, "doc_date": "2023-09-19"}, ensure_ascii=(i % 2 == 0)))
    for i in range(0, len(lines), 3):
        write("jsonl", "seed-%02d-docs" % n, ("\n".join(lines[i:i + 3]) + "\n").encode()); n += 1
    for ref, t in cases[:6]:
        obj = {"text": t} if ref == "-" else {"text": t, "doc_date": ref}
        write("jsonl", "seed-%02d-date" % n, json.dumps(obj).encode()); n += 1
    odd = [
        b'{"text": "a\\u0000b \\ud83d\\ude00 \\u00e9 \\"q\\" \\\\ \\/ \\b\\f\\n\\r\\t", "id": "x"}',
        b'{"text": "lone \\ud800 surrogate"}',
        b'{"text": "raw \xff\xfe bytes \xc0\xaf", "id": -1.5e+10}',
        b'{"text": "x", "text": "dup"}',
        b'{"text": "x", "id": [1, 2]}',
        b'{"text": "x", "id": {"a": 1}}',
        b'{"text": "x"} trailing',
        b'{"text": "x", "doc_date": "2023-02-30"}',
        b'{"text": "x", "doc_date": "0000-01-01"}',
        b'{"id": null, "text": "Jakarta", "doc_date": null, "extra": true, "more": false}',
        b'\xef\xbb\xbf{"text": "BOM first"}\r\n\r\n   \n{"text": 5}\n{"text":"ctrl\x01char"}',
        b'{"a": 01, "b": 1., "c": .5, "d": -, "e": 1e}',
        b'[1, 2, 3]',
        b'{',
        b'{"text": "unterminated',
        b'{"text": "\\u12"}',
    ]
    for o in odd:
        write("jsonl", "seed-%02d-odd" % n, o); n += 1

    # conll: idner-tag's CoNLL input
    n = 0
    for i, t in enumerate(texts[1:6] + [s.encode() for s in OWN[:6]]):
        sents = [s.split() for s in t.split(b". ") if s.split()]
        body = b"\n\n".join(b"\n".join(w + b"\tO" for w in s) for s in sents) + b"\n"
        if i % 3 == 0:
            body = b"-DOCSTART- -X- O O\n\n" + body
        if i % 4 == 1:
            body = body.replace(b"\n", b"\r\n")
        write("conll", "seed-%02d-doc" % n, body); n += 1
    for o in [
        b"-DOCSTART-\n\nJoko\tB-PER\nWidodo\tI-PER\n\n-DOCSTART-\n\nJakarta\tB-LOC\n",
        b"\tO\nx\tO\n",
        b"   \t\nx\n",
        b"no newline at end",
        b"\xef\xbb\xbfBOM\tO\n",
        b"a\x00b\tO\nc\tO",
        b"\xff\xfe\tO\n\xc0\xaf\tO\n",
        b"-DOCSTART-\n-DOCSTART-\n-DOCSTART-\n",
        b"\n\n\n\n",
        b"x" * 3000 + b"\tO\n",
        b"19\nSeptember\n2023\n\npukul\n10.00\nWIB\n",
    ]:
        write("conll", "seed-%02d-odd" % n, o); n += 1


if __name__ == "__main__":
    main()

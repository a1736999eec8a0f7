#!/usr/bin/python3
"""Tests of the Python package examples/python/idner (ctypes over libidner).

    IDNER_LIBRARY=build/libidner.so IDNER_TAG=build/idner-tag \
        /usr/bin/python3 tests/test_python.py

Standard library only (unittest). IDNER_LIBRARY must name the built library;
IDNER_TAG (idner-tag, for the to_dict() comparisons) and IDNER_SHARED_DIR (the
corpora, for more documents) are optional: the tests needing them are skipped
without. ctest passes all three (tests/CMakeLists.txt).
"""

import ctypes
import datetime
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYDIR = os.path.join(ROOT, "examples", "python")
sys.path.insert(0, PYDIR)

if not os.environ.get("IDNER_LIBRARY"):
    sys.exit("test_python.py: set IDNER_LIBRARY to the path of the built libidner.so")

import idner  # noqa: E402  (needs IDNER_LIBRARY first)
from idner import _native  # noqa: E402

IDNER_TAG = os.environ.get("IDNER_TAG")
SHARED = os.environ.get("IDNER_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
SEED = os.path.join(ROOT, "examples", "seed.txt")

SENTENCE = ("Presiden Joko Widodo bertemu Menteri Luar Negeri China Wang Yi "
            "di Jakarta pada Selasa (19/9/2023).")
DATE = "2023-09-19"


def header_define(name):
    with open(os.path.join(ROOT, "include", "idner.h"), encoding="utf-8") as f:
        m = re.search(r"^#define %s\s+(.+?)\s*$" % name, f.read(), re.M)
    if not m:
        raise AssertionError(f"{name} not found in include/idner.h")
    return m.group(1)


def find(entities, type_, text):
    hits = [e for e in entities if e.type == type_ and e.text == text]
    return hits[0] if hits else None


def corpus_documents(per_file, target=2000):
    """Up to per_file documents of about target bytes from each train split
    under SHARED/corpora: CoNLL sentences, tokens joined by spaces."""
    root = os.path.join(SHARED, "corpora")
    if not os.path.isdir(root):
        return []
    docs = []
    for corpus in sorted(os.listdir(root)):
        path = os.path.join(root, corpus, "train.conll")
        if not os.path.exists(path):
            continue
        count, parts, size, sent = 0, [], 0, []
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for line in f:
                line = line.rstrip("\n")
                if line.strip():
                    sent.append(line.split("\t")[0].split(" ")[0])
                    continue
                if sent:
                    s = " ".join(sent)
                    parts.append(s)
                    size += len(s) + 1
                    sent = []
                if size >= target:
                    docs.append("\n".join(parts))
                    parts, size, count = [], 0, count + 1
                    if count == per_file:
                        break
    return docs


def seed_documents():
    """The seed article's paragraphs: the documents when ../shared is absent."""
    with open(SEED, encoding="utf-8") as f:
        return [p for p in f.read().split("\n\n") if p.strip()]


def run_python(code, env_update, cwd=None):
    """Runs code in a fresh interpreter (same environment plus env_update; a
    None value removes the variable); returns the CompletedProcess."""
    env = dict(os.environ)
    for k, v in env_update.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def copy_package(dest_root):
    """Copies examples/python/idner to dest_root/examples/python/idner (a fake
    repository, so the build-tree step looks at dest_root/build)."""
    pkg = os.path.join(dest_root, "examples", "python", "idner")
    shutil.copytree(os.path.join(PYDIR, "idner"), pkg,
                    ignore=shutil.ignore_patterns("__pycache__"))
    return os.path.dirname(pkg)


class ModuleTest(unittest.TestCase):
    def test_public_names(self):
        for name in idner.__all__:
            self.assertTrue(hasattr(idner, name), name)

    def test_library_is_the_one_given(self):
        self.assertEqual(os.path.realpath(idner.library_path),
                         os.path.realpath(os.environ["IDNER_LIBRARY"]))

    def test_versions_match_header(self):
        want = header_define("IDNER_VERSION_STRING").strip('"')
        self.assertEqual(idner.version(), want)
        self.assertEqual(idner.__version__, want)
        number = (int(header_define("IDNER_VERSION_MAJOR")) * 10000 +
                  int(header_define("IDNER_VERSION_MINOR")) * 100 +
                  int(header_define("IDNER_VERSION_PATCH")))
        self.assertEqual(idner.version_number(), number)
        self.assertEqual(idner.data_format_version(),
                         int(header_define("IDNER_DATA_FORMAT_VERSION")))
        # The SONAME the system-loader step tries is this version's.
        self.assertEqual(_native.SONAME, "libidner.so.%s.%s" % tuple(want.split(".")[:2]))

    def test_constants_match_header(self):
        for name in ("OK", "ERR_NOMEM", "ERR_INVALID_ARG", "ERR_IO", "ERR_DATA_FORMAT",
                     "ERR_DATA_VERSION", "ERR_INVALID_UTF8", "ERR_TOO_LARGE", "ERR_NO_DATA",
                     "ERR_INTERNAL"):
            value = int(header_define("IDNER_" + name).split()[0])
            self.assertEqual(getattr(idner, name), value, name)
            if value:
                self.assertEqual(_native.STATUS_NAMES[value], "IDNER_" + name)
        for bit, name in enumerate(_native.EVIDENCE_NAMES):
            self.assertEqual(int(header_define("IDNER_EV_" + name).split()[0].rstrip("u"), 16),
                             1 << bit, name)

    def test_struct_sizes_match(self):
        lib = _native.lib
        self.assertEqual(ctypes.sizeof(_native.IdnerToken), lib.idner_sizeof_token())
        self.assertEqual(ctypes.sizeof(_native.IdnerEntity), lib.idner_sizeof_entity())
        self.assertEqual(ctypes.sizeof(_native.IdnerOptions), lib.idner_sizeof_options())
        self.assertEqual((lib.idner_sizeof_token(), lib.idner_sizeof_entity(),
                          lib.idner_sizeof_options()), (32, 80, 40))

    def test_error_fields(self):
        err = idner.IdnerError(idner.ERR_IO, "x.tsv: cannot open")
        self.assertEqual((err.status, err.name, err.message),
                         (-3, "IDNER_ERR_IO", "x.tsv: cannot open"))
        self.assertIn("IDNER_ERR_IO", str(err))
        self.assertIn("x.tsv: cannot open", str(err))
        self.assertEqual(idner.IdnerError(-12345).name, "IDNER_ERR_UNKNOWN")


class LoadingTest(unittest.TestCase):
    """Library search and the layout check, each in a fresh interpreter."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="idner-py-")
        self.lib = os.path.realpath(os.environ["IDNER_LIBRARY"])

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_wrong_mirror_is_refused_at_import(self):
        pydir = copy_package(self.tmp)
        path = os.path.join(pydir, "idner", "_native.py")
        with open(path, encoding="utf-8") as f:
            src = f.read()
        grown = src.replace('("reserved", u32 * 4),', '("reserved", u32 * 5),')
        self.assertNotEqual(grown, src)  # the mirror of idner_entity was changed
        with open(path, "w", encoding="utf-8") as f:
            f.write(grown)
        r = run_python("import idner", {"PYTHONPATH": pydir})
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("ImportError", r.stderr)
        self.assertIn("IdnerEntity is 84 bytes in the Python binding but 80", r.stderr)
        # The format that unpacks entity arrays is checked against the mirror
        # (same size, two fields swapped).
        swapped = src.replace('ENTITY_FORMAT = "=14IiI4I"', 'ENTITY_FORMAT = "=14IIi4I"')
        self.assertNotEqual(swapped, src)
        with open(path, "w", encoding="utf-8") as f:
            f.write(swapped)
        r = run_python("import idner", {"PYTHONPATH": pydir})
        self.assertIn("ImportError: idner._native.ENTITY_FORMAT does not match", r.stderr)
        # The unchanged copy imports: the failures are the edits'.
        with open(path, "w", encoding="utf-8") as f:
            f.write(src)
        r = run_python("import idner", {"PYTHONPATH": pydir})
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_bad_idner_library_is_an_import_error(self):
        missing = os.path.join(self.tmp, "no-such-libidner.so")
        r = run_python("import idner", {"PYTHONPATH": PYDIR, "IDNER_LIBRARY": missing})
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("ImportError", r.stderr)
        self.assertIn("IDNER_LIBRARY=" + repr(missing), r.stderr)
        # Not a library at all: also refused, not skipped.
        junk = os.path.join(self.tmp, "junk.so")
        with open(junk, "w") as f:
            f.write("not a library\n")
        r = run_python("import idner", {"PYTHONPATH": PYDIR, "IDNER_LIBRARY": junk})
        self.assertIn("ImportError", r.stderr)
        self.assertIn("junk.so", r.stderr)

    def test_search_order(self):
        pydir = copy_package(self.tmp)
        os.mkdir(os.path.join(self.tmp, "build"))
        in_tree = os.path.join(self.tmp, "build", "libidner.so")
        os.symlink(self.lib, in_tree)
        show = "import idner; print(idner.library_path)"
        # 1. IDNER_LIBRARY wins over the build tree.
        r = run_python(show, {"PYTHONPATH": pydir, "IDNER_LIBRARY": self.lib})
        self.assertEqual((r.returncode, r.stdout.strip()), (0, self.lib), r.stderr)
        # 2. Without it, the build tree next to the package.
        r = run_python(show, {"PYTHONPATH": pydir, "IDNER_LIBRARY": None})
        self.assertEqual((r.returncode, r.stdout.strip()), (0, in_tree), r.stderr)
        # 3. No build tree: the loader's search finds the SONAME (no
        # libidner.so there, so find_library has nothing to offer).
        os.unlink(in_tree)
        sodir = os.path.join(self.tmp, "lib")
        os.mkdir(sodir)
        os.symlink(self.lib, os.path.join(sodir, _native.SONAME))
        r = run_python(show, {"PYTHONPATH": pydir, "IDNER_LIBRARY": None,
                              "LD_LIBRARY_PATH": sodir})
        if r.returncode == 0 and r.stdout.strip() != _native.SONAME:
            self.skipTest(f"an installed libidner was found first: {r.stdout.strip()}")
        self.assertEqual((r.returncode, r.stdout.strip()), (0, _native.SONAME), r.stderr)
        # 4. Nothing anywhere: the error lists what was tried.
        r = run_python(show, {"PYTHONPATH": pydir, "IDNER_LIBRARY": None,
                              "LD_LIBRARY_PATH": None})
        if r.returncode == 0:
            self.skipTest(f"an installed libidner was found: {r.stdout.strip()}")
        self.assertIn("libidner not found; tried:", r.stderr)
        self.assertIn(in_tree, r.stderr)
        self.assertIn(_native.SONAME, r.stderr)


class DefaultModelCase(unittest.TestCase):
    """Tests sharing one default Model, loaded once for the class."""

    @classmethod
    def setUpClass(cls):
        cls.model = idner.Model()

    @classmethod
    def tearDownClass(cls):
        cls.model.close()


class AnalyzeTest(DefaultModelCase):
    def assertOffsetsConsistent(self, text, entities):
        raw = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
        shown = raw.decode("utf-8", "surrogateescape")
        for e in entities:
            self.assertEqual(shown[e.start:e.end], e.text, e)
            self.assertEqual(raw[e.byte_start:e.byte_end].decode("utf-8", "surrogateescape"),
                             e.text, e)

    def test_model_properties(self):
        self.assertGreater(self.model.entry_count, 1000)
        self.assertIs(self.model.has_tagger, True)
        self.assertFalse(self.model.closed)
        self.assertIn("entries", repr(self.model))

    def test_reference_sentence(self):
        ents = self.model.analyze(SENTENCE, date=DATE)
        wang = find(ents, "PER", "Wang Yi")
        self.assertIsNotNone(wang, ents)
        self.assertEqual(SENTENCE[wang.start:wang.end], "Wang Yi")
        self.assertEqual(SENTENCE.encode()[wang.byte_start:wang.byte_end], b"Wang Yi")
        self.assertEqual(find(ents, "NAT", "China").value, "CN")
        dates = [e for e in ents if e.type == "DATE"]
        self.assertEqual([(d.text, d.value) for d in dates],
                         [("Selasa (19/9/2023)", "2023-09-19")])
        self.assertOffsetsConsistent(SENTENCE, ents)
        self.assertEqual([e.start for e in ents], sorted(e.start for e in ents))
        for e in ents:
            self.assertTrue(e.evidence, e)
            self.assertTrue(set(e.evidence) <= set(_native.EVIDENCE_NAMES), e)
            self.assertLess(e.token_start, e.token_end)
        self.assertIn("DATE_RULE", dates[0].evidence)

    def test_entity_is_frozen(self):
        e = self.model.analyze(SENTENCE)[0]
        with self.assertRaises(AttributeError):
            e.type = "ORG"  # type: ignore[misc]
        self.assertEqual(e, e._replace())
        self.assertEqual(e._replace(type="ORG").type, "ORG")
        self.assertEqual(e._fields[:4], ("type", "text", "start", "end"))

    def test_bytes_and_str_agree(self):
        self.assertEqual(self.model.analyze(SENTENCE.encode(), date=DATE),
                         self.model.analyze(SENTENCE, date=DATE))
        self.assertEqual(self.model.analyze(bytearray(SENTENCE.encode()), date=DATE),
                         self.model.analyze(memoryview(SENTENCE.encode()), date=DATE))
        with self.assertRaises(TypeError):
            self.model.analyze(42)  # type: ignore[arg-type]

    def test_dates(self):
        text = "Kapal tiba kemarin. Rapat dimulai pukul 21.15 WITA."
        by_str = self.model.analyze(text, date="2023-09-19")
        by_date = self.model.analyze(text, date=datetime.date(2023, 9, 19))
        self.assertEqual(by_str, by_date)
        self.assertEqual([(e.type, e.value, e.tz_offset_minutes) for e in by_str],
                         [("DATE", "2023-09-18", None), ("TIME", "2023-09-18T21:15", 480)])
        other = self.model.analyze(text, date=datetime.date(2024, 3, 1))
        self.assertEqual(other[0].value, "2024-02-29")
        # No reference date: still tagged, relative values empty.
        none = self.model.analyze(text)
        self.assertEqual(none[0].type, "DATE")
        self.assertIsNone(none[0].value)
        for bad in ("2023-9-19", "2023-02-30", "19/09/2023", "20230919", ""):
            with self.assertRaises(idner.IdnerError) as cm:
                self.model.analyze(text, date=bad)
            self.assertEqual(cm.exception.name, "IDNER_ERR_INVALID_ARG", bad)
            self.assertIn(repr(bad), cm.exception.message)
        with self.assertRaises(TypeError):
            self.model.analyze(text, date=20230919)  # type: ignore[arg-type]

    def test_date_range_and_mod(self):
        ents = self.model.analyze("Pameran digelar 12-14 Juni 2024, awal tahun ini.", date=DATE)
        self.assertEqual([(e.value, e.end_value, e.mod) for e in ents],
                         [("2024-06-12", "2024-06-14", None), ("2023", None, "START")])

    def test_types_filter(self):
        every = self.model.analyze(SENTENCE, date=DATE)
        self.assertGreater(len({e.type for e in every}), 2)
        for types in (["PER"], ("PER",), "PER", {"PER"}):
            ents = self.model.analyze(SENTENCE, date=DATE, types=types)
            self.assertEqual(ents, [e for e in every if e.type == "PER"], types)
        two = self.model.analyze(SENTENCE, date=DATE, types="PER, NAT")
        self.assertEqual(two, [e for e in every if e.type in ("PER", "NAT")])
        self.assertEqual(self.model.analyze(SENTENCE, types=[]), [])
        for bad in (["PERSON"], "PER,per", "LOC,XYZ"):
            with self.assertRaises(idner.IdnerError) as cm:
                self.model.analyze(SENTENCE, types=bad)
            self.assertEqual(cm.exception.status, idner.ERR_INVALID_ARG)
            self.assertIn("unknown entity type", cm.exception.message)

    def test_profiles(self):
        names = self.model.profiles()
        self.assertEqual(names[0], "default")
        self.assertEqual(len(names), len(set(names)))
        self.assertIn("nerugm", names)
        for name in names:
            ents = self.model.analyze(SENTENCE, date=DATE, profile=name)
            self.assertIsNotNone(find(ents, "PER", "Wang Yi"), (name, ents))
        self.assertEqual(self.model.analyze(SENTENCE, profile="default"),
                         self.model.analyze(SENTENCE))
        with self.assertRaises(idner.IdnerError) as cm:
            self.model.analyze(SENTENCE, profile="no-such-corpus")
        self.assertEqual((cm.exception.status, cm.exception.name), (-2, "IDNER_ERR_INVALID_ARG"))
        self.assertIn("no-such-corpus", cm.exception.message)

    def test_profiles_change_conventions(self):
        # Some corpus leaves country names untagged or tags them as places:
        # at least one profile must differ from the default on such text.
        text = ("Indonesia dan Malaysia membahas perbatasan. Delegasi Jepang, China dan "
                "Amerika Serikat hadir di Jakarta.")
        default = self.model.analyze(text)
        others = [self.model.analyze(text, profile=p) for p in self.model.profiles()[1:]]
        self.assertTrue(any(o != default for o in others))

    def test_multibyte_offsets(self):
        text = "“Kafé” milik Menteri Luar Negeri China Wang Yi di Jakarta – kata “dia”."
        ents = self.model.analyze(text, date=DATE)
        wang = find(ents, "PER", "Wang Yi")
        self.assertIsNotNone(wang, ents)
        self.assertEqual(wang.byte_start - wang.start, 2 + 2 + 1)  # “ ” are 3 bytes, é 2
        self.assertOffsetsConsistent(text, ents)

    def test_astral_characters_count_as_one(self):
        text = "😀😀 Menteri Luar Negeri China Wang Yi tiba di 𝐉𝐚𝐤𝐚𝐫𝐭𝐚 dan Jakarta."
        ents = self.model.analyze(text)
        wang = find(ents, "PER", "Wang Yi")
        self.assertIsNotNone(wang, ents)
        self.assertEqual(wang.byte_start - wang.start, 2 * 3)  # 4 bytes, 1 character each
        jakarta = find(ents, "LOC", "Jakarta")
        self.assertIsNotNone(jakarta, ents)
        self.assertEqual(jakarta.byte_start - jakarta.start, 2 * 3 + 7 * 3)
        self.assertOffsetsConsistent(text, ents)

    def test_invalid_utf8_lenient(self):
        data = b"Presiden \xff\xfe Menteri Luar Negeri China Wang Yi di Jakarta \xe2\x82. \xed\xa0\x80"
        ents = self.model.analyze(data)
        wang = find(ents, "PER", "Wang Yi")
        self.assertIsNotNone(wang, ents)
        self.assertEqual(data[wang.byte_start:wang.byte_end], b"Wang Yi")
        self.assertEqual(wang.start, wang.byte_start)  # one character per invalid byte
        self.assertOffsetsConsistent(data, ents)
        # The same bytes as a str (surrogateescape) give the same entities,
        # with str indices into that str.
        text = data.decode("utf-8", "surrogateescape")
        self.assertEqual(self.model.analyze(text), ents)
        self.assertOffsetsConsistent(text, ents)
        toks = self.model.tokenize(text)
        self.assertIn("\udcff", [t.text for t in toks])
        self.assertEqual(len(text), toks[-1].end)
        # A lone surrogate that is not an escaped byte cannot be UTF-8.
        with self.assertRaises(idner.IdnerError) as cm:
            self.model.analyze("Wang Yi \ud800")
        self.assertEqual(cm.exception.status, idner.ERR_INVALID_ARG)

    def test_invalid_utf8_strict(self):
        for text in (b"Presiden \xff Wang Yi", "Presiden \udcff Wang Yi"):
            with self.assertRaises(idner.IdnerError) as cm:
                self.model.analyze(text, strict_utf8=True)
            self.assertEqual((cm.exception.status, cm.exception.name),
                             (-6, "IDNER_ERR_INVALID_UTF8"))
            self.assertTrue(cm.exception.message)
            with self.assertRaises(idner.IdnerError) as cm:
                self.model.tokenize(text, strict_utf8=True)
            self.assertEqual(cm.exception.status, idner.ERR_INVALID_UTF8)
        # Valid text passes in strict mode; the doc is usable after an error.
        self.assertTrue(find(self.model.analyze(SENTENCE, strict_utf8=True), "PER", "Wang Yi"))

    def test_empty_and_nul(self):
        self.assertEqual(self.model.analyze(""), [])
        self.assertEqual(self.model.analyze(b""), [])
        self.assertEqual(self.model.tokenize(""), [])
        text = "Wang Yi\x00 tiba di Jakarta."
        ents = self.model.analyze(text)
        self.assertOffsetsConsistent(text, ents)
        self.assertIsNotNone(find(ents, "LOC", "Jakarta"), ents)

    def test_tokenize(self):
        text = "Wang Yi tiba di Jakarta. Ia bertemu Retno Marsudi pada 19/9/2023 pukul 09.30."
        toks = self.model.tokenize(text)
        self.assertEqual([t.text for t in toks][:6], ["Wang", "Yi", "tiba", "di", "Jakarta", "."])
        self.assertEqual([t.sentence for t in toks[:6]], [0] * 6)
        self.assertTrue(all(t.sentence == 1 for t in toks[6:]))
        for t in toks:
            self.assertEqual(text[t.start:t.end], t.text)
            self.assertEqual(text.encode()[t.byte_start:t.byte_end], t.text.encode())
        kinds = {t.text: t.kind for t in toks}
        self.assertEqual(kinds["Wang"], 1)        # IDNER_TOK_WORD
        self.assertEqual(kinds["."], 3)           # IDNER_TOK_PUNCT
        self.assertEqual(kinds["19/9/2023"], 5)   # IDNER_TOK_DATE
        self.assertEqual(kinds["09.30"], 6)       # IDNER_TOK_TIME
        self.assertTrue(toks[0].flags & 0x80)     # IDNER_SHAPE_SENT_START
        self.assertTrue(toks[0].flags & 0x01)     # IDNER_SHAPE_CAPITALIZED

    def test_analyze_tokens(self):
        tokens = ["Menteri", "Luar", "Negeri", "China", "Wang", "Yi", "tiba", ".",
                  "Ia", "bertemu", "Lavrov", "di", "Moskow", "."]
        starts = [i in (0, 8) for i in range(len(tokens))]
        ents = self.model.analyze_tokens(tokens, starts, date=DATE)
        virtual = ("Menteri Luar Negeri China Wang Yi tiba .\n"
                   "Ia bertemu Lavrov di Moskow .")
        wang = find(ents, "PER", "Wang Yi")
        self.assertIsNotNone(wang, ents)
        self.assertEqual((wang.token_start, wang.token_end), (4, 6))
        for e in ents:  # entities start and end on the given token boundaries
            self.assertEqual(" ".join(tokens[e.token_start:e.token_end]), e.text, e)
        self.assertOffsetsConsistent(virtual, ents)
        self.assertIsNotNone(find(ents, "LOC", "Moskow"), ents)
        # Keyword arguments as analyze(); bytes tokens.
        only = self.model.analyze_tokens([t.encode() for t in tokens], starts, types="LOC",
                                         profile="nerugm", strict_utf8=True)
        self.assertTrue(only)
        self.assertEqual({e.type for e in only}, {"LOC"})

    def test_analyze_tokens_one_sentence_default(self):
        ents = self.model.analyze_tokens(["Wang", "Yi", "tiba", "di", "Jakarta"])
        self.assertOffsetsConsistent("Wang Yi tiba di Jakarta", ents)
        self.assertEqual(self.model.analyze_tokens([]), [])

    def test_analyze_tokens_errors(self):
        with self.assertRaises(idner.IdnerError) as cm:
            self.model.analyze_tokens(["Wang", "", "Yi"])
        self.assertEqual(cm.exception.status, idner.ERR_INVALID_ARG)
        self.assertTrue(cm.exception.message)  # idner_doc_error()'s detail
        with self.assertRaises(idner.IdnerError) as cm:
            self.model.analyze_tokens(["Wang", "Yi"], [True])
        self.assertEqual(cm.exception.status, idner.ERR_INVALID_ARG)
        with self.assertRaises(idner.IdnerError) as cm:
            self.model.analyze_tokens([b"W\xffang", "Yi"], strict_utf8=True)
        self.assertEqual(cm.exception.status, idner.ERR_INVALID_UTF8)


class ModelLoadTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="idner-py-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, name, text):
        with open(os.path.join(self.tmp, name), "w", encoding="utf-8") as f:
            f.write(text)

    def test_nonexistent_data_dir(self):
        missing = os.path.join(self.tmp, "no-such-directory")
        with self.assertRaises(idner.IdnerError) as cm:
            idner.Model(missing)
        self.assertEqual((cm.exception.status, cm.exception.name), (-3, "IDNER_ERR_IO"))
        self.assertIn("no-such-directory", cm.exception.message)
        self.assertIn("no-such-directory", str(cm.exception))

    def test_empty_dir_without_default(self):
        with self.assertRaises(idner.IdnerError) as cm:
            idner.Model(self.tmp, no_default=True)
        self.assertEqual(cm.exception.name, "IDNER_ERR_NO_DATA")
        idner.Model(self.tmp).close()  # with the default data it loads

    def test_data_dir_adds_entries(self):
        self.write("extra.tsv", "# idner-gazetteer 1\nZorblax Quintavian\tPER\n")
        with idner.Model() as base, idner.Model(self.tmp) as extra, \
                idner.Model(self.tmp, no_default=True, no_model=True) as alone:
            self.assertEqual(extra.entry_count, base.entry_count + 1)
            self.assertEqual(alone.entry_count, 1)
            self.assertIs(alone.has_tagger, False)
            text = "Kemarin Zorblax Quintavian tiba."
            # (The sequence model may guess the name too, but not from a gazetteer.)
            guess = find(base.analyze(text), "PER", "Zorblax Quintavian")
            self.assertNotIn("GAZETTEER", guess.evidence if guess else ())
            for model in (extra, alone):
                got = find(model.analyze(text), "PER", "Zorblax Quintavian")
                self.assertIsNotNone(got)
                self.assertIn("GAZETTEER", got.evidence)

    def test_malformed_file(self):
        self.write("bad.tsv", "# idner-gazetteer 1\nFoo\tLOK\n")
        with self.assertRaises(idner.IdnerError) as cm:
            idner.Model(self.tmp)
        self.assertEqual(cm.exception.name, "IDNER_ERR_DATA_FORMAT")
        self.assertIn("bad.tsv:2", cm.exception.message)

    def test_future_format_version(self):
        self.write("new.tsv", "# idner-gazetteer 99\nFoo\tLOC\n")
        with self.assertRaises(idner.IdnerError) as cm:
            idner.Model(self.tmp)
        self.assertEqual(cm.exception.name, "IDNER_ERR_DATA_VERSION")

    def test_no_model_flag(self):
        with idner.Model(no_model=True) as m:
            self.assertIs(m.has_tagger, False)
            self.assertIsNotNone(find(m.analyze(SENTENCE), "NAT", "China"))

    def test_close_then_use_raises(self):
        model = idner.Model()
        model.analyze(SENTENCE)
        model.close()
        model.close()  # idempotent
        self.assertTrue(model.closed)
        self.assertIn("closed", repr(model))
        calls = [lambda: model.analyze(SENTENCE), lambda: model.analyze_tokens(["Wang"]),
                 lambda: model.tokenize("x"), lambda: model.entry_count,
                 lambda: model.has_tagger, model.profiles]
        for call in calls:
            with self.assertRaises(idner.IdnerError) as cm:
                call()
            self.assertEqual(cm.exception.status, idner.ERR_INVALID_ARG)
            self.assertIn("closed", cm.exception.message)

    def test_context_manager_frees_thread_docs(self):
        with idner.Model() as model:
            model.analyze(SENTENCE)
            t = threading.Thread(target=model.analyze, args=(SENTENCE,))
            t.start()
            t.join()
            doc = model._local.doc
            self.assertTrue(doc.ptr)
        self.assertTrue(model.closed)
        self.assertFalse(doc.ptr)  # close() freed the main thread's doc

    def test_thread_doc_freed_when_thread_ends(self):
        with idner.Model() as model:
            model.analyze(SENTENCE)
            t = threading.Thread(target=model.analyze, args=(SENTENCE,))
            t.start()
            t.join()
            gc.collect()
            self.assertEqual(len(model._docs), 1)  # only the main thread's is left


@unittest.skipUnless(IDNER_TAG, "IDNER_TAG (path of idner-tag) not set")
class JsonlTest(DefaultModelCase):
    """{"id": ..., "entities": [e.to_dict() ...]} equals idner-tag's jsonl line."""

    def idner_tag(self, args, stdin):
        r = subprocess.run([IDNER_TAG] + args, input=stdin, capture_output=True, timeout=900)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [json.loads(line) for line in r.stdout.decode("utf-8").splitlines()]

    def compare_jsonl(self, texts, date=DATE, args=(), **kw):
        lines = "".join(json.dumps({"id": i, "text": t, "doc_date": date}) + "\n"
                        for i, t in enumerate(texts))
        want = self.idner_tag(["--input", "jsonl", "--format", "jsonl"] + list(args),
                              lines.encode("utf-8"))
        self.assertEqual(len(want), len(texts))
        n = 0
        for i, text in enumerate(texts):
            ents = self.model.analyze(text, date=date, **kw)
            got = json.loads(json.dumps({"id": i, "entities": [e.to_dict() for e in ents]}))
            self.assertEqual(got, want[i], text[:200])
            n += len(ents)
        return n

    def test_seed_article(self):
        with open(SEED, encoding="utf-8") as f:
            self.assertGreater(self.compare_jsonl([f.read()]), 30)

    def test_key_order(self):
        text = "Kapal tiba pukul 21.15 WITA, 12-14 Juni 2024, awal tahun ini di Moskow, Rusia."
        line = json.dumps({"id": 0, "text": text, "doc_date": DATE})
        r = subprocess.run([IDNER_TAG, "--input", "jsonl", "--format", "jsonl"],
                           input=line.encode(), capture_output=True, check=True)
        want = [list(e) for e in json.loads(r.stdout)["entities"]]
        got = [list(e.to_dict()) for e in self.model.analyze(text, date=DATE)]
        self.assertEqual(got, want)
        keys = {k for ks in got for k in ks}
        self.assertTrue({"value", "mod", "end_value", "tz_offset_minutes"} <= keys, keys)

    def test_options(self):
        with open(SEED, encoding="utf-8") as f:
            seed = f.read()
        self.compare_jsonl([seed], args=["--types", "PER,DATE"], types="PER,DATE")
        self.compare_jsonl([seed], args=["--profile", "nerugm"], profile="nerugm")
        self.compare_jsonl([seed], date="2024-02-29")

    def test_corpus_documents(self):
        docs = corpus_documents(per_file=25)
        if not docs:
            self.skipTest(f"no corpora under {SHARED}")
        self.assertGreater(self.compare_jsonl(docs), len(docs))

    def test_invalid_bytes_as_u_fffd(self):
        # idner-tag writes each invalid byte as U+FFFD; CoNLL input gives
        # tokens (with invalid bytes) and sentences, as analyze_tokens().
        sents = [[b"Presiden", b"Jok\xf6", b"Widodo", b"tiba"], [b"Kota", b"Band\xfcng", b"Barat"]]
        conll = b"".join(b"".join(t + b"\tO\n" for t in s) + b"\n" for s in sents)
        want = self.idner_tag(["--input", "conll", "--format", "jsonl", "--date", DATE], conll)
        tokens = [t for s in sents for t in s]
        starts = [i == 0 for s in sents for i in range(len(s))]
        ents = self.model.analyze_tokens(tokens, starts, date=DATE)
        self.assertTrue(any("\ufffd" in e.to_dict()["text"] for e in ents), ents)
        self.assertTrue(any("\udcf6" in e.text for e in ents), ents)
        got = json.loads(json.dumps({"id": 1, "entities": [e.to_dict() for e in ents]}))
        self.assertEqual(got, want[0])


class ThreadTest(unittest.TestCase):
    def test_threads_share_one_model(self):
        docs = corpus_documents(per_file=8) or seed_documents()
        with idner.Model() as model:
            want = [model.analyze(d, date=DATE) for d in docs]
            self.assertTrue(any(want))
            for nthreads in (4, 8):
                results = [None] * nthreads
                errors = []
                barrier = threading.Barrier(nthreads)

                def work(k):
                    try:
                        barrier.wait()
                        got = [None] * len(docs)
                        # Each thread its own order, so different documents overlap.
                        for j in range(len(docs)):
                            i = (j + k * 5) % len(docs)
                            got[i] = model.analyze(docs[i], date=DATE)
                        results[k] = got
                    except Exception as exc:  # reported below
                        errors.append(exc)

                threads = [threading.Thread(target=work, args=(k,)) for k in range(nthreads)]
                for th in threads:
                    th.start()
                for th in threads:
                    th.join()
                self.assertEqual(errors, [])
                for k in range(nthreads):
                    self.assertEqual(results[k], want, f"thread {k} of {nthreads}")


@unittest.skipUnless(os.path.exists(os.path.join(PYDIR, "example.py")), "no example.py")
class ExampleTest(unittest.TestCase):
    def test_example_script(self):
        r = subprocess.run([sys.executable, os.path.join(PYDIR, "example.py"),
                            "--date", DATE, "--types", "PER,NAT"],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertIn(idner.version(), lines[0])
        self.assertIn("PER  [55:62] Wang Yi", lines)
        self.assertIn("NAT  [49:54] China  value=CN", lines)
        self.assertFalse([ln for ln in lines[1:] if not ln.startswith(("PER", "NAT"))])


if __name__ == "__main__":
    unittest.main(verbosity=2)

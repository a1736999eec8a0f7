#!/usr/bin/python3
"""FFI tests of libidner through examples/python/idner_ctypes.py.

    IDNER_LIBRARY=build/libidner.so /usr/bin/python3 tests/test_ctypes.py

Standard library only (unittest). IDNER_LIBRARY must name the built library.
"""

import ctypes
import os
import re
import sys
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "examples", "python"))

if not os.environ.get("IDNER_LIBRARY"):
    sys.exit("test_ctypes.py: set IDNER_LIBRARY to the path of the built libidner.so")

import idner_ctypes as idner  # noqa: E402  (needs IDNER_LIBRARY first)

SENTENCE = ("Presiden Joko Widodo bertemu Menteri Luar Negeri China Wang Yi "
            "di Jakarta pada Selasa (19/9/2023).")


def header_define(name):
    with open(os.path.join(ROOT, "include", "idner.h"), encoding="utf-8") as f:
        m = re.search(r"^#define %s\s+(.+?)\s*$" % name, f.read(), re.M)
    if not m:
        raise AssertionError(f"{name} not found in include/idner.h")
    return m.group(1)


def find(entities, type_, text):
    hits = [e for e in entities if e.type == type_ and e.text == text]
    return hits[0] if hits else None


class ShapeTest(unittest.TestCase):
    def test_library_is_the_one_given(self):
        self.assertEqual(os.path.realpath(idner.library_path),
                         os.path.realpath(os.environ["IDNER_LIBRARY"]))

    def test_struct_sizes_match(self):
        lib = idner._lib
        self.assertEqual(ctypes.sizeof(idner.IdnerToken), lib.idner_sizeof_token())
        self.assertEqual(ctypes.sizeof(idner.IdnerEntity), lib.idner_sizeof_entity())
        self.assertEqual(ctypes.sizeof(idner.IdnerOptions), lib.idner_sizeof_options())
        # The sizes the header documents.
        self.assertEqual((lib.idner_sizeof_token(), lib.idner_sizeof_entity(),
                          lib.idner_sizeof_options()), (32, 80, 40))

    def test_size_mismatch_is_refused(self):
        class FakeLib:
            idner_sizeof_token = staticmethod(lambda: 32)
            idner_sizeof_entity = staticmethod(lambda: 96)  # a grown struct
            idner_sizeof_options = staticmethod(lambda: 40)
        with self.assertRaisesRegex(ImportError, "IdnerEntity"):
            idner._check_struct_sizes(FakeLib())

    def test_version_matches_header(self):
        self.assertEqual(idner.version_string(), header_define("IDNER_VERSION_STRING").strip('"'))
        major = int(header_define("IDNER_VERSION_MAJOR"))
        minor = int(header_define("IDNER_VERSION_MINOR"))
        patch = int(header_define("IDNER_VERSION_PATCH"))
        self.assertEqual(idner.version(), major * 10000 + minor * 100 + patch)
        self.assertEqual(idner.data_format_version(),
                         int(header_define("IDNER_DATA_FORMAT_VERSION")))

    def test_type_names(self):
        self.assertEqual([idner.type_name(t) for t in range(7)],
                         ["O", "PER", "NAT", "ORG", "LOC", "DATE", "TIME"])
        self.assertEqual(idner.type_name(999), "UNKNOWN")

    def test_strerror_is_never_null(self):
        for status in range(-9, 1):
            self.assertTrue(idner._strerror(status))
        self.assertEqual(idner._strerror(-12345), "unknown status")


class AnalyzeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = idner.Model()
        cls.tagger = idner.Tagger(cls.model)

    @classmethod
    def tearDownClass(cls):
        cls.tagger.close()
        cls.model.close()

    def assertOffsetsConsistent(self, text, entities):
        raw = text.encode("utf-8", "surrogateescape")
        for e in entities:
            self.assertEqual(text[e.start:e.end], e.text, e)
            self.assertEqual(raw[e.byte_start:e.byte_end].decode("utf-8", "surrogateescape"),
                             e.text, e)

    def test_default_model_loads(self):
        self.assertGreater(self.model.entry_count, 0)

    def test_reference_sentence(self):
        ents = self.tagger.analyze(SENTENCE, date="2023-09-19")
        wang = find(ents, "PER", "Wang Yi")
        self.assertIsNotNone(wang, ents)
        self.assertEqual(SENTENCE[wang.start:wang.end], "Wang Yi")
        self.assertEqual(SENTENCE.encode()[wang.byte_start:wang.byte_end], b"Wang Yi")
        china = find(ents, "NAT", "China")
        self.assertIsNotNone(china, ents)
        self.assertEqual(china.value, "CN")
        dates = [e for e in ents if e.type == "DATE"]
        self.assertTrue(dates, ents)
        self.assertEqual(dates[0].value, "2023-09-19")
        self.assertIn("19/9/2023", dates[0].text)
        self.assertOffsetsConsistent(SENTENCE, ents)

    def test_profiles(self):
        names = self.model.profiles()
        self.assertEqual(names[0], "default")
        self.assertIn("nerugm", names)
        ents = self.tagger.analyze(SENTENCE, date="2023-09-19", profile="nerugm")
        self.assertIsNotNone(find(ents, "PER", "Wang Yi"), ents)
        with self.assertRaises(idner.IdnerError) as cm:
            self.tagger.analyze(SENTENCE, profile="no-such-corpus")
        self.assertEqual(cm.exception.status, -2)

    def test_date_as_datetime_date(self):
        import datetime
        ents = self.tagger.analyze(SENTENCE, date=datetime.date(2023, 9, 19))
        self.assertEqual([e.value for e in ents if e.type == "DATE"][:1], ["2023-09-19"])

    def test_types_filter(self):
        ents = self.tagger.analyze(SENTENCE, date="2023-09-19", types=["PER"])
        self.assertTrue(ents)
        self.assertEqual({e.type for e in ents}, {"PER"})
        with self.assertRaises(ValueError):
            self.tagger.analyze(SENTENCE, types=["PERSON"])

    def test_multibyte_offsets(self):
        text = "“Kafé” milik Menteri Luar Negeri China Wang Yi di Jakarta – kata “dia”."
        ents = self.tagger.analyze(text, date="2023-09-19")
        wang = find(ents, "PER", "Wang Yi")
        self.assertIsNotNone(wang, ents)
        self.assertEqual(text[wang.start:wang.end], "Wang Yi")
        self.assertEqual(text.encode("utf-8")[wang.byte_start:wang.byte_end], b"Wang Yi")
        # Byte and char offsets differ here: “ and ” are 3 bytes, é is 2.
        self.assertEqual(wang.byte_start - wang.start, 2 + 2 + 1)
        self.assertOffsetsConsistent(text, ents)

    def test_astral_characters_count_as_one(self):
        text = "😀😀 Menteri Luar Negeri China Wang Yi tiba."
        ents = self.tagger.analyze(text)
        wang = find(ents, "PER", "Wang Yi")
        self.assertIsNotNone(wang, ents)
        self.assertEqual(wang.byte_start - wang.start, 2 * 3)
        self.assertOffsetsConsistent(text, ents)

    def test_invalid_utf8_lenient(self):
        data = b"Presiden \xff\xfe Menteri Luar Negeri China Wang Yi di Jakarta \xe2\x82."
        ents = self.tagger.analyze(data)
        wang = find(ents, "PER", "Wang Yi")
        self.assertIsNotNone(wang, ents)
        self.assertEqual(data[wang.byte_start:wang.byte_end], b"Wang Yi")
        # One character per invalid byte, as Python's surrogateescape decoding.
        self.assertEqual(wang.start, wang.byte_start)
        self.assertOffsetsConsistent(data.decode("utf-8", "surrogateescape"), ents)
        # The analyzed text is never rewritten.
        self.assertEqual(self.tagger._text_bytes(), data)

    def test_invalid_utf8_strict(self):
        with self.assertRaises(idner.IdnerError) as cm:
            self.tagger.analyze(b"Presiden \xff Wang Yi", strict_utf8=True)
        self.assertEqual(cm.exception.status, idner.ERR_INVALID_UTF8)
        self.assertEqual(cm.exception.status, -6)
        self.assertTrue(cm.exception.message)
        # The doc is usable again after an error.
        self.assertTrue(find(self.tagger.analyze(SENTENCE), "PER", "Wang Yi"))

    def test_empty_text(self):
        self.assertEqual(self.tagger.analyze(""), [])
        self.assertEqual(self.tagger.analyze(b""), [])
        self.assertEqual(self.tagger.tokens(), [])

    def test_tokens(self):
        self.tagger.analyze("Wang Yi tiba di Jakarta.")
        toks = self.tagger.tokens()
        self.assertEqual([t.text for t in toks][:5], ["Wang", "Yi", "tiba", "di", "Jakarta"])
        self.assertTrue(all(t.sentence == 0 for t in toks))

    def test_analyze_tokens(self):
        tokens = ["Menteri", "Luar", "Negeri", "China", "Wang", "Yi", "tiba", ".",
                  "Ia", "bertemu", "Lavrov", "di", "Moskow", "."]
        starts = [i in (0, 8) for i in range(len(tokens))]
        ents = self.tagger.analyze_tokens(tokens, starts, date="2023-09-19")
        virtual = self.tagger.text()
        self.assertEqual(virtual, "Menteri Luar Negeri China Wang Yi tiba .\n"
                                  "Ia bertemu Lavrov di Moskow .")
        wang = find(ents, "PER", "Wang Yi")
        self.assertIsNotNone(wang, ents)
        self.assertEqual((wang.token_start, wang.token_end), (4, 6))
        self.assertEqual(virtual[wang.start:wang.end], "Wang Yi")
        for e in ents:  # entities start and end on the given token boundaries
            self.assertEqual(" ".join(tokens[e.token_start:e.token_end]), e.text, e)
        self.assertOffsetsConsistent(virtual, ents)
        toks = self.tagger.tokens()
        self.assertEqual([t.text for t in toks], tokens)
        self.assertEqual([t.sentence for t in toks], [0] * 8 + [1] * 6)

    def test_analyze_tokens_one_sentence_default(self):
        ents = self.tagger.analyze_tokens(["Wang", "Yi", "tiba", "di", "Jakarta"])
        self.assertEqual(self.tagger.text(), "Wang Yi tiba di Jakarta")
        self.assertOffsetsConsistent(self.tagger.text(), ents)

    def test_analyze_tokens_errors(self):
        with self.assertRaises(idner.IdnerError) as cm:
            self.tagger.analyze_tokens(["Wang", "", "Yi"])
        self.assertEqual(cm.exception.status, idner.ERR_INVALID_ARG)
        with self.assertRaises(ValueError):
            self.tagger.analyze_tokens(["Wang", "Yi"], [True])

    def test_module_level_functions(self):
        self.assertTrue(find(idner.analyze(SENTENCE, date="2023-09-19"), "NAT", "China"))
        self.assertTrue(idner.analyze_tokens(["Menteri", "Luar", "Negeri", "China", "Wang", "Yi"]))

    def test_threads_share_one_model(self):
        want = [(e.type, e.start, e.end, e.value)
                for e in self.tagger.analyze(SENTENCE, date="2023-09-19")]
        results, errors = [], []

        def work():
            try:
                with idner.Tagger(self.model) as t:
                    for _ in range(50):
                        got = [(e.type, e.start, e.end, e.value)
                               for e in t.analyze(SENTENCE, date="2023-09-19")]
                        results.append(got == want)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(errors, [])
        self.assertTrue(results and all(results))


class ErrorTest(unittest.TestCase):
    def test_nonexistent_data_dir(self):
        with self.assertRaises(idner.IdnerError) as cm:
            idner.Model(os.path.join(HERE, "no-such-directory"))
        self.assertEqual(cm.exception.status, idner.ERR_IO)
        self.assertEqual(cm.exception.status, -3)
        self.assertIn("no-such-directory", str(cm.exception))

    def test_closed_objects(self):
        model = idner.Model()
        tagger = idner.Tagger(model)
        tagger.close()
        tagger.close()  # idempotent
        with self.assertRaises(ValueError):
            tagger.analyze("x")
        model.close()
        with self.assertRaises(ValueError):
            model.entry_count


if __name__ == "__main__":
    unittest.main(verbosity=2)

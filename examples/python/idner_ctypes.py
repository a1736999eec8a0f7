#!/usr/bin/env python3
"""idner_ctypes — a self-contained ctypes binding for libidner, plus an example.

    python3 idner_ctypes.py [--date YYYY-MM-DD] [--types PER,NAT] [TEXT ...]

tags TEXT (or a default sentence) and prints one entity per line.

As a module (standard library only)::

    import idner_ctypes as idner
    for e in idner.analyze("Menteri Luar Negeri China Wang Yi tiba di Jakarta.",
                           date="2023-09-19"):
        print(e.type, e.text, e.start, e.end, e.value)

The shared library is found through the IDNER_LIBRARY environment variable
(a path), then the build tree (../../build/libidner.so next to this file),
then ctypes.util.find_library("idner"). At import the mirrored structs are
checked against idner_sizeof_token/entity/options(); a mismatch raises
ImportError rather than reading garbage.

Offsets: Entity.start/end are Python str indices (the library's char
offsets); byte_start/byte_end are UTF-8 byte offsets. A str is encoded with
"surrogateescape", and bytes are decoded the same way, so text containing
invalid UTF-8 keeps one character per invalid byte, exactly as the library
counts it.

Threads: a Model is immutable and may be shared by any number of threads; a
Tagger (one idner_doc) must be used by one thread at a time. The
module-level analyze()/analyze_tokens() use one Tagger per thread over a
shared default Model. ctypes releases the GIL during library calls.
"""

import ctypes
import ctypes.util
import datetime
import os
import sys
import threading
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Union

__all__ = [
    "IdnerError", "Model", "Tagger", "Entity", "Token", "analyze", "analyze_tokens",
    "version", "version_string", "data_format_version", "library_path",
]

# ---- Constants mirrored from idner.h ------------------------------------------

OK = 0
ERR_NOMEM = -1
ERR_INVALID_ARG = -2
ERR_IO = -3
ERR_DATA_FORMAT = -4
ERR_DATA_VERSION = -5
ERR_INVALID_UTF8 = -6
ERR_TOO_LARGE = -7
ERR_NO_DATA = -8
ERR_INTERNAL = -9

TYPE_NONE, TYPE_PER, TYPE_NAT, TYPE_ORG, TYPE_LOC, TYPE_DATE, TYPE_TIME = range(7)
TYPES_ALL = 0x7E
LOAD_NO_DEFAULT = 0x1
FLAG_STRICT_UTF8 = 0x1

EVIDENCE_NAMES = ("GAZETTEER", "PATTERN", "TITLE", "NAME_PARTS", "DATE_RULE",
                  "PROPAGATED", "ACRONYM", "DATELINE", "CONTEXT")

u32, i32 = ctypes.c_uint32, ctypes.c_int32


class IdnerToken(ctypes.Structure):
    """Mirror of idner_token (32 bytes)."""
    _fields_ = [
        ("byte_start", u32), ("byte_end", u32),
        ("char_start", u32), ("char_end", u32),
        ("kind", u32), ("flags", u32), ("sentence", u32), ("reserved", u32),
    ]


class IdnerEntity(ctypes.Structure):
    """Mirror of idner_entity (80 bytes)."""
    _fields_ = [
        ("type", u32),
        ("byte_start", u32), ("byte_end", u32),
        ("char_start", u32), ("char_end", u32),
        ("token_start", u32), ("token_end", u32),
        ("evidence", u32),
        ("value_offset", u32), ("value_len", u32),
        ("mod_offset", u32), ("mod_len", u32),
        ("end_value_offset", u32), ("end_value_len", u32),
        ("tz_offset_minutes", i32), ("has_tz", u32),
        ("reserved", u32 * 4),
    ]


class IdnerOptions(ctypes.Structure):
    """Mirror of idner_options (40 bytes)."""
    _fields_ = [
        ("struct_size", u32), ("types", u32), ("flags", u32),
        ("ref_year", i32), ("ref_month", u32), ("ref_day", u32),
        ("profile", u32), ("reserved", u32 * 3),
    ]


class _ModelHandle(ctypes.Structure):
    pass


class _DocHandle(ctypes.Structure):
    pass


ModelPtr = ctypes.POINTER(_ModelHandle)
DocPtr = ctypes.POINTER(_DocHandle)

# ---- Loading the library -------------------------------------------------------


def _find_library() -> str:
    path = os.environ.get("IDNER_LIBRARY")
    if path:
        if not os.path.exists(path):
            raise ImportError(f"IDNER_LIBRARY={path!r} does not exist")
        return path
    here = os.path.dirname(os.path.abspath(__file__))
    built = os.path.normpath(os.path.join(here, "..", "..", "build", "libidner.so"))
    if os.path.exists(built):
        return built
    found = ctypes.util.find_library("idner")
    if found:
        return found
    raise ImportError("libidner not found: set IDNER_LIBRARY to its path, or build it "
                      "(cmake -S . -B build && cmake --build build)")


def _declare(lib: ctypes.CDLL) -> None:
    P = ctypes.POINTER
    c_size, c_char_p, c_void_p = ctypes.c_size_t, ctypes.c_char_p, ctypes.c_void_p
    protos = {
        "idner_strerror": (c_char_p, [i32]),
        "idner_version": (u32, []),
        "idner_version_string": (c_char_p, []),
        "idner_data_format_version": (u32, []),
        "idner_type_name": (c_char_p, [u32]),
        "idner_type_from_name": (u32, [c_char_p, c_size]),
        "idner_model_load": (i32, [c_char_p, u32, P(ModelPtr), c_char_p, c_size]),
        "idner_model_free": (None, [ModelPtr]),
        "idner_model_entry_count": (u32, [ModelPtr]),
        "idner_model_has_tagger": (u32, [ModelPtr]),
        "idner_model_find_profile": (i32, [ModelPtr, c_char_p, c_size, P(u32)]),
        "idner_model_profile_count": (u32, [ModelPtr]),
        "idner_model_profile_name": (c_char_p, [ModelPtr, u32]),
        "idner_doc_new": (i32, [P(DocPtr)]),
        "idner_doc_free": (None, [DocPtr]),
        "idner_doc_error": (c_char_p, [DocPtr]),
        "idner_options_init": (None, [P(IdnerOptions)]),
        "idner_analyze": (i32, [ModelPtr, DocPtr, c_char_p, c_size, P(IdnerOptions)]),
        "idner_analyze_tokens": (i32, [ModelPtr, DocPtr, P(c_char_p), P(c_size), c_size,
                                       P(ctypes.c_uint8), P(IdnerOptions)]),
        "idner_doc_token_count": (u32, [DocPtr]),
        "idner_doc_tokens": (P(IdnerToken), [DocPtr]),
        "idner_doc_sentence_count": (u32, [DocPtr]),
        "idner_doc_entity_count": (u32, [DocPtr]),
        "idner_doc_entities": (P(IdnerEntity), [DocPtr]),
        # c_void_p, not c_char_p: these buffers hold several NUL-terminated
        # strings (or arbitrary text) and are read with string_at(ptr, len).
        "idner_doc_strings": (c_void_p, [DocPtr, P(u32)]),
        "idner_doc_text": (c_void_p, [DocPtr, P(u32)]),
        "idner_sizeof_token": (u32, []),
        "idner_sizeof_entity": (u32, []),
        "idner_sizeof_options": (u32, []),
    }
    for name, (restype, argtypes) in protos.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


def _check_struct_sizes(lib: ctypes.CDLL) -> None:
    for struct, fn in ((IdnerToken, lib.idner_sizeof_token),
                       (IdnerEntity, lib.idner_sizeof_entity),
                       (IdnerOptions, lib.idner_sizeof_options)):
        if ctypes.sizeof(struct) != fn():
            raise ImportError(f"{struct.__name__} is {ctypes.sizeof(struct)} bytes here but "
                              f"{fn()} in {library_path}: the binding does not match the library")


library_path = _find_library()
_lib = ctypes.CDLL(library_path)
_declare(_lib)
_check_struct_sizes(_lib)

# ---- Errors and small helpers ----------------------------------------------------------


class IdnerError(Exception):
    """A library call failed: .status is the IDNER_ERR_* code, .message the detail."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(f"{message} (status {status})")


def _strerror(status: int) -> str:
    return _lib.idner_strerror(status).decode("ascii", "replace")


def _error(status: int, detail: str) -> IdnerError:
    text = _strerror(status)
    return IdnerError(status, f"{text}: {detail}" if detail else text)


def version() -> int:
    return _lib.idner_version()


def version_string() -> str:
    return _lib.idner_version_string().decode("ascii")


def data_format_version() -> int:
    return _lib.idner_data_format_version()


def type_name(type_code: int) -> str:
    return _lib.idner_type_name(type_code).decode("ascii")


def _types_mask(types: Optional[Iterable[str]]) -> int:
    if types is None:
        return TYPES_ALL
    if isinstance(types, str):
        types = types.split(",")
    mask = 0
    for name in types:
        raw = name.encode("ascii", "replace")
        code = _lib.idner_type_from_name(raw, len(raw))
        if code == TYPE_NONE:
            raise ValueError(f"unknown entity type {name!r} (expected PER, NAT, ORG, LOC, "
                             "DATE or TIME)")
        mask |= 1 << code
    return mask


DateLike = Union[None, str, datetime.date]


def _options(date: DateLike, types, strict_utf8: bool) -> IdnerOptions:
    opts = IdnerOptions()
    _lib.idner_options_init(ctypes.byref(opts))
    opts.types = _types_mask(types)
    if strict_utf8:
        opts.flags |= FLAG_STRICT_UTF8
    if date is not None:
        if isinstance(date, str):
            date = datetime.date.fromisoformat(date)
        opts.ref_year, opts.ref_month, opts.ref_day = date.year, date.month, date.day
    return opts


def _encode(text: Union[str, bytes]) -> bytes:
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text)
    return text.encode("utf-8", "surrogateescape")


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


# ---- Results -------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    type: str               # "PER", "NAT", "ORG", "LOC", "DATE", "TIME" (or "UNKNOWN")
    text: str
    start: int              # Python str index (code points), half-open
    end: int
    byte_start: int         # UTF-8 bytes, half-open
    byte_end: int
    token_start: int
    token_end: int
    value: Optional[str] = None      # NAT code, canonical name, TIMEX3 value
    mod: Optional[str] = None        # TIMEX3 mod (START, MID, END, APPROX)
    end_value: Optional[str] = None  # TIMEX3 value of a range's end
    tz_offset_minutes: Optional[int] = None
    evidence: tuple = ()


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    byte_start: int
    byte_end: int
    kind: int
    flags: int
    sentence: int


# ---- Model and Tagger ----------------------------------------------------------------


class Model:
    """Gazetteers + date grammar. Immutable once loaded; share across threads."""

    _free = _lib.idner_model_free  # kept on the class: usable from __del__ at exit

    def __init__(self, data_dir: Optional[Union[str, os.PathLike]] = None,
                 no_default: bool = False):
        self._ptr = None
        handle = ModelPtr()
        errbuf = ctypes.create_string_buffer(1024)
        path = os.fsencode(data_dir) if data_dir is not None else None
        status = _lib.idner_model_load(path, LOAD_NO_DEFAULT if no_default else 0,
                                       ctypes.byref(handle), errbuf, len(errbuf))
        if status != OK:
            raise _error(status, errbuf.value.decode("utf-8", "replace"))
        self._ptr = handle

    @property
    def entry_count(self) -> int:
        return _lib.idner_model_entry_count(self._handle())

    def profiles(self) -> List[str]:
        """Annotation profiles of the sequence model ("default" first)."""
        h = self._handle()
        return [_lib.idner_model_profile_name(h, i).decode()
                for i in range(_lib.idner_model_profile_count(h) + 1)]

    def profile_id(self, name: Optional[str]) -> int:
        """Number of a profile for idner_options.profile (None -> 0)."""
        if name is None:
            return 0
        raw = name.encode()
        out = u32(0)
        status = _lib.idner_model_find_profile(self._handle(), raw, len(raw), ctypes.byref(out))
        if status != OK:
            raise _error(status, f"the model has no profile {name!r}")
        return out.value

    def _handle(self):
        if not self._ptr:
            raise ValueError("the model is closed")
        return self._ptr

    def close(self) -> None:
        if self._ptr:
            self._free(self._ptr)
            self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()


class Tagger:
    """One idner_doc over a Model: use from one thread at a time."""

    _free = _lib.idner_doc_free  # kept on the class: usable from __del__ at exit

    def __init__(self, model: Optional[Model] = None, data_dir=None):
        self._doc = None
        self._data = b""  # the buffer the doc borrows after analyze()
        self.model = model if model is not None else Model(data_dir)
        handle = DocPtr()
        status = _lib.idner_doc_new(ctypes.byref(handle))
        if status != OK:
            raise _error(status, "")
        self._doc = handle

    def close(self) -> None:
        if self._doc:
            self._free(self._doc)
            self._doc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def analyze(self, text: Union[str, bytes], date: DateLike = None,
                types: Optional[Iterable[str]] = None, strict_utf8: bool = False,
                profile: Optional[str] = None) -> List[Entity]:
        """Entities of text (str, or UTF-8 bytes). date: reference date for
        relative expressions ("YYYY-MM-DD" or datetime.date; None = none).
        profile: an annotation profile name (Model.profiles()), None = default."""
        data = _encode(text)
        opts = _options(date, types, strict_utf8)
        opts.profile = self.model.profile_id(profile)
        # The doc borrows the caller's buffer (idner_doc_text() points into it):
        # keep it alive until the next call.
        self._data = data
        status = _lib.idner_analyze(self.model._handle(), self._live_doc(), data, len(data),
                                    ctypes.byref(opts))
        self._check(status)
        shown = text if isinstance(text, str) else _decode(data)
        return self._entities(shown)

    def analyze_tokens(self, tokens: Sequence[Union[str, bytes]],
                       sentence_starts: Optional[Sequence[bool]] = None,
                       date: DateLike = None, types: Optional[Iterable[str]] = None,
                       strict_utf8: bool = False) -> List[Entity]:
        """Entities of pre-tokenized text. sentence_starts: one flag per token,
        true where a token begins a sentence (None = one sentence). Offsets refer
        to the tokens joined by spaces, sentences by newlines (see text())."""
        encoded = [_encode(t) for t in tokens]
        n = len(encoded)
        if sentence_starts is not None and len(sentence_starts) != n:
            raise ValueError(f"sentence_starts has {len(sentence_starts)} items for {n} tokens")
        ptrs = (ctypes.c_char_p * n)(*encoded)
        lens = (ctypes.c_size_t * n)(*(len(t) for t in encoded))
        starts = None
        if sentence_starts is not None:
            starts = (ctypes.c_uint8 * n)(*(1 if s else 0 for s in sentence_starts))
        opts = _options(date, types, strict_utf8)
        status = _lib.idner_analyze_tokens(self.model._handle(), self._live_doc(), ptrs, lens,
                                           n, starts, ctypes.byref(opts))
        self._check(status)
        return self._entities(self.text())

    def text(self) -> str:
        """The analyzed text of the last call (the joined text after analyze_tokens)."""
        return _decode(self._text_bytes())

    def tokens(self) -> List[Token]:
        """The tokens of the last call."""
        doc = self._live_doc()
        text = self.text()
        raw = _lib.idner_doc_tokens(doc)
        return [Token(text[t.char_start:t.char_end], t.char_start, t.char_end, t.byte_start,
                      t.byte_end, t.kind, t.flags, t.sentence)
                for t in (raw[i] for i in range(_lib.idner_doc_token_count(doc)))]

    # -- internals --

    def _live_doc(self):
        if not self._doc:
            raise ValueError("the tagger is closed")
        return self._doc

    def _check(self, status: int) -> None:
        if status != OK:
            detail = _lib.idner_doc_error(self._doc) or b""
            raise _error(status, detail.decode("utf-8", "replace"))

    def _text_bytes(self) -> bytes:
        n = u32()
        ptr = _lib.idner_doc_text(self._live_doc(), ctypes.byref(n))
        return ctypes.string_at(ptr, n.value) if ptr and n.value else b""

    def _entities(self, text: str) -> List[Entity]:
        doc = self._doc
        pool_len = u32()
        pool_ptr = _lib.idner_doc_strings(doc, ctypes.byref(pool_len))
        pool = ctypes.string_at(pool_ptr, pool_len.value) if pool_ptr and pool_len.value else b""

        def pooled(offset: int, length: int) -> Optional[str]:
            if length == 0 or offset + length > len(pool):
                return None
            return pool[offset:offset + length].decode("utf-8", "replace")

        raw = _lib.idner_doc_entities(doc)
        out = []
        for i in range(_lib.idner_doc_entity_count(doc)):
            e = raw[i]
            out.append(Entity(
                type=type_name(e.type), text=text[e.char_start:e.char_end],
                start=e.char_start, end=e.char_end,
                byte_start=e.byte_start, byte_end=e.byte_end,
                token_start=e.token_start, token_end=e.token_end,
                value=pooled(e.value_offset, e.value_len),
                mod=pooled(e.mod_offset, e.mod_len),
                end_value=pooled(e.end_value_offset, e.end_value_len),
                tz_offset_minutes=e.tz_offset_minutes if e.has_tz else None,
                evidence=tuple(name for bit, name in enumerate(EVIDENCE_NAMES)
                               if e.evidence & (1 << bit))))
        return out


# ---- Module-level convenience: a shared default model, one Tagger per thread ------------

_default_lock = threading.Lock()
_default_model: Optional[Model] = None
_local = threading.local()


def _default_tagger() -> Tagger:
    global _default_model
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        with _default_lock:
            if _default_model is None:
                _default_model = Model()
        tagger = _local.tagger = Tagger(_default_model)
    return tagger


def analyze(text: Union[str, bytes], date: DateLike = None,
            types: Optional[Iterable[str]] = None, strict_utf8: bool = False) -> List[Entity]:
    """Tagger.analyze() with the default model."""
    return _default_tagger().analyze(text, date=date, types=types, strict_utf8=strict_utf8)


def analyze_tokens(tokens: Sequence[Union[str, bytes]],
                   sentence_starts: Optional[Sequence[bool]] = None, date: DateLike = None,
                   types: Optional[Iterable[str]] = None, strict_utf8: bool = False
                   ) -> List[Entity]:
    """Tagger.analyze_tokens() with the default model."""
    return _default_tagger().analyze_tokens(tokens, sentence_starts, date=date, types=types,
                                            strict_utf8=strict_utf8)


# ---- Example ----------------------------------------------------------------------------

DEFAULT_SENTENCE = ("Presiden Joko Widodo bertemu Menteri Luar Negeri China Wang Yi "
                    "di Jakarta pada Selasa (19/9/2023).")


def main(argv: Optional[List[str]] = None) -> int:
    import argparse
    parser = argparse.ArgumentParser(description="Tag Indonesian named entities with libidner.")
    parser.add_argument("--date", help="reference date YYYY-MM-DD (default: today)")
    parser.add_argument("--types", help="comma-separated types to keep, e.g. PER,NAT")
    parser.add_argument("text", nargs="*", help=f"text to tag (default: {DEFAULT_SENTENCE!r})")
    args = parser.parse_args(argv)
    text = " ".join(args.text) if args.text else DEFAULT_SENTENCE
    date = args.date or datetime.date.today()
    try:
        entities = analyze(text, date=date, types=args.types)
    except (IdnerError, ValueError) as err:
        print(f"idner_ctypes: {err}", file=sys.stderr)
        return 1
    print(f"libidner {version_string()} ({library_path})")
    for e in entities:
        extra = f"  value={e.value}" if e.value else ""
        print(f"{e.type:<4} [{e.start}:{e.end}] {e.text}{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

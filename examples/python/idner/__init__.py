"""idner — Python binding of libidner, Indonesian named-entity recognition.

Pure ctypes, standard library only, nothing to install: put examples/python
on sys.path (PYTHONPATH=examples/python) and point IDNER_LIBRARY at the
library, or let the package find it (see idner._native for the order)::

    import idner
    with idner.Model() as model:
        for e in model.analyze("Menteri Luar Negeri China Wang Yi tiba di Jakarta.",
                               date="2023-09-19"):
            print(e.type, e.text, e.start, e.end, e.value)

Offsets: Entity.start/end are Python str indices (code points) into the text
as given, byte_start/byte_end UTF-8 byte offsets; text[e.start:e.end] ==
e.text. A str is encoded with "surrogateescape" and bytes are decoded the same
way, so each invalid UTF-8 byte is one character, exactly as the library
counts it.

Threads: a Model may be shared by any number of Python threads. Each thread
gets its own idner_doc (created on its first call, reused after), and ctypes
releases the GIL during the library call, so threads analyze in parallel.
close() frees the model and every thread's doc: do not call it while other
threads are analyzing.

Errors: every failure the library reports, and every rejected argument value
(unknown type or profile, bad date, closed model), raises IdnerError with the
IDNER_ERR_* status, its name and the detail message.
"""

import ctypes
import datetime
import os
import re
import struct
import threading
import weakref
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union

from . import _native
from ._native import lib as _lib

__all__ = ["IdnerError", "Model", "Entity", "Token", "version", "version_number",
           "data_format_version", "library_path", "__version__"]

library_path: str = _native.library_path

# Pinned status codes, re-exported for callers comparing IdnerError.status.
OK = _native.OK
ERR_NOMEM = _native.ERR_NOMEM
ERR_INVALID_ARG = _native.ERR_INVALID_ARG
ERR_IO = _native.ERR_IO
ERR_DATA_FORMAT = _native.ERR_DATA_FORMAT
ERR_DATA_VERSION = _native.ERR_DATA_VERSION
ERR_INVALID_UTF8 = _native.ERR_INVALID_UTF8
ERR_TOO_LARGE = _native.ERR_TOO_LARGE
ERR_NO_DATA = _native.ERR_NO_DATA
ERR_INTERNAL = _native.ERR_INTERNAL


def version() -> str:
    """The library's version string, e.g. "0.1.0"."""
    return _lib.idner_version_string().decode("ascii")


def version_number() -> int:
    """MAJOR * 10000 + MINOR * 100 + PATCH of the loaded library."""
    return _lib.idner_version()


def data_format_version() -> int:
    """The gazetteer data format version the library reads."""
    return _lib.idner_data_format_version()


__version__ = version()


class IdnerError(Exception):
    """A library call failed or an argument was rejected.

    status: the negative IDNER_ERR_* code; name: e.g. "IDNER_ERR_IO";
    message: the library's detail (load error buffer, idner_doc_error()),
    or the binding's own for a rejected argument."""

    def __init__(self, status: int, message: str = ""):
        self.status = status
        self.name = _native.STATUS_NAMES.get(status, "IDNER_ERR_UNKNOWN")
        self.message = message
        described = _lib.idner_strerror(status).decode("ascii", "replace")
        super().__init__(f"{self.name} ({described})" + (f": {message}" if message else ""))


def _invalid(message: str) -> IdnerError:
    return IdnerError(ERR_INVALID_ARG, message)


# ---- Results ---------------------------------------------------------------------

_INVALID_BYTE = re.compile("[\udc80-\udcff]")  # surrogateescape'd invalid UTF-8 bytes


def _replacement_chars(s: str) -> str:
    """s with each escaped invalid byte as U+FFFD, as idner-tag writes it (most
    strings are ASCII: no regex pass for them)."""
    return s if s.isascii() else _INVALID_BYTE.sub("\ufffd", s)


# Entity and Token are named tuples, not dataclasses: they are built with the
# GIL held, and a tuple is about five times cheaper to make than a frozen
# dataclass (the Python side of Model.analyze() is what bounds the thread
# speed-up, docs/python.md).
class Entity(NamedTuple):
    type: str                 # "PER", "NAT", "ORG", "LOC", "DATE", "TIME" ("UNKNOWN" if newer)
    text: str
    start: int                # Python str index (code points), half-open
    end: int
    byte_start: int           # UTF-8 bytes, half-open
    byte_end: int
    token_start: int          # token indices, half-open
    token_end: int
    value: Optional[str] = None      # NAT ISO code, canonical name, TIMEX3 value
    mod: Optional[str] = None        # TIMEX3 mod (START, MID, END, APPROX)
    end_value: Optional[str] = None  # TIMEX3 value of a range's end
    tz_offset_minutes: Optional[int] = None
    evidence: Tuple[str, ...] = ()   # IDNER_EV_* names, e.g. ("GAZETTEER",)

    def to_dict(self) -> Dict[str, Any]:
        """The entity object `idner-tag --format jsonl` writes: same keys in the
        same order, optional keys only when set; start/end are byte offsets
        there, and each invalid UTF-8 byte of the text is U+FFFD."""
        d: Dict[str, Any] = {
            "start": self.byte_start, "end": self.byte_end,
            "char_start": self.start, "char_end": self.end,
            "type": self.type, "text": _replacement_chars(self.text),
        }
        for key in ("value", "mod", "end_value"):
            v = getattr(self, key)
            if v is not None:
                d[key] = _replacement_chars(v)
        if self.tz_offset_minutes is not None:
            d["tz_offset_minutes"] = self.tz_offset_minutes
        return d


class Token(NamedTuple):
    text: str
    start: int                # Python str index (code points), half-open
    end: int
    byte_start: int           # UTF-8 bytes, half-open
    byte_end: int
    kind: int                 # IDNER_TOK_* (1 word, 2 number, 3 punct, ...)
    flags: int                # IDNER_SHAPE_* bits
    sentence: int             # 0-based sentence index


# ---- Argument conversion -----------------------------------------------------------

TextLike = Union[str, bytes, bytearray, memoryview]
DateLike = Union[None, str, datetime.date]
TypesLike = Union[None, str, Iterable[str]]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _encode(text: TextLike) -> bytes:
    if isinstance(text, str):
        try:
            return text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError as err:  # a lone surrogate that is not an escaped byte
            raise _invalid(f"text is not encodable as UTF-8: {err}") from None
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text)
    raise TypeError(f"text must be str or bytes, not {type(text).__name__}")


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _types_mask(types: TypesLike) -> int:
    if types is None:
        return _native.TYPES_ALL
    names = types.split(",") if isinstance(types, str) else list(types)
    mask = 0
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"entity type names must be str, not {type(name).__name__}")
        name = name.strip()
        if not name:
            continue
        raw = name.encode("utf-8", "replace")
        code = _lib.idner_type_from_name(raw, len(raw))
        if code == _native.TYPE_NONE:
            raise _invalid(f"unknown entity type {name!r} (expected PER, NAT, ORG, LOC, "
                           "DATE or TIME)")
        mask |= 1 << code
    return mask


def _set_date(opts: _native.IdnerOptions, date: DateLike) -> None:
    if date is None:
        return
    if isinstance(date, str):
        try:
            if not _ISO_DATE.match(date):
                raise ValueError("not YYYY-MM-DD")
            date = datetime.date.fromisoformat(date)
        except ValueError as err:
            raise _invalid(f"invalid date {date!r} ({err}); expected YYYY-MM-DD") from None
    if not isinstance(date, datetime.date):
        raise TypeError(f"date must be None, a datetime.date or 'YYYY-MM-DD', "
                        f"not {type(date).__name__}")
    opts.ref_year, opts.ref_month, opts.ref_day = date.year, date.month, date.day


# ---- Model --------------------------------------------------------------------------


class _ThreadDoc:
    """One thread's idner_doc, and the input buffer it borrows after analyze."""

    _free = _lib.idner_doc_free  # kept on the class: usable from __del__ at exit

    def __init__(self) -> None:
        self.ptr = None
        self.data = b""
        handle = _native.DocPtr()
        status = _lib.idner_doc_new(ctypes.byref(handle))
        if status != OK:
            raise IdnerError(status, "idner_doc_new failed")
        self.ptr = handle
        self.lock = threading.Lock()  # free() may race a thread's exit (__del__)

    def free(self) -> None:
        with self.lock:
            if self.ptr:
                self._free(self.ptr)
                self.ptr = None
                self.data = b""

    def __del__(self) -> None:  # the owning thread ended, or the Model is gone
        if getattr(self, "ptr", None):
            self.free()


class Model:
    """Gazetteers, date grammar and sequence model, loaded once and shared by any
    number of threads. data_dir: a directory of *.tsv gazetteers (and model.bin)
    added to the embedded default data (None: the embedded data only);
    no_default: only data_dir's files; no_model: no learned sequence model
    (gazetteers and rules only: faster, less accurate)."""

    _free = _lib.idner_model_free  # kept on the class: usable from __del__ at exit

    def __init__(self, data_dir: Optional[Union[str, os.PathLike]] = None, *,
                 no_default: bool = False, no_model: bool = False):
        self._ptr = None
        self._local = threading.local()
        # Every thread's doc, so close() can free them; weak, so a doc is freed
        # as soon as its thread ends.
        self._docs: "weakref.WeakSet[_ThreadDoc]" = weakref.WeakSet()
        self._docs_lock = threading.Lock()
        flags = (_native.LOAD_NO_DEFAULT if no_default else 0) | \
                (_native.LOAD_NO_MODEL if no_model else 0)
        handle = _native.ModelPtr()
        errbuf = ctypes.create_string_buffer(1024)
        path = os.fsencode(data_dir) if data_dir is not None else None
        status = _lib.idner_model_load(path, flags, ctypes.byref(handle), errbuf, len(errbuf))
        if status != OK:
            raise IdnerError(status, errbuf.value.decode("utf-8", "replace"))
        self._ptr = handle

    # -- properties --

    @property
    def entry_count(self) -> int:
        """Number of gazetteer entries loaded (all classes)."""
        return _lib.idner_model_entry_count(self._handle())

    @property
    def has_tagger(self) -> bool:
        """True when the model has a learned sequence model."""
        return bool(_lib.idner_model_has_tagger(self._handle()))

    @property
    def closed(self) -> bool:
        return not self._ptr

    def profiles(self) -> List[str]:
        """Annotation profile names, "default" first (see Model.analyze)."""
        h = self._handle()
        return [_lib.idner_model_profile_name(h, i).decode("utf-8", "replace")
                for i in range(_lib.idner_model_profile_count(h) + 1)]

    # -- analysis --

    def analyze(self, text: TextLike, date: DateLike = None, types: TypesLike = None, *,
                profile: Optional[str] = None, strict_utf8: bool = False) -> List[Entity]:
        """Entities of text (str, or UTF-8 bytes), in text order.

        date: reference date for relative expressions ("kemarin"): a
        datetime.date or "YYYY-MM-DD"; None = none (such dates get no value).
        types: None (all), names ["PER", "NAT"] or "PER,NAT"; no names =
        tokenize only. profile: one of profiles() (None = "default").
        strict_utf8: invalid UTF-8 raises IdnerError(IDNER_ERR_INVALID_UTF8)
        instead of counting each invalid byte as one character."""
        data = _encode(text)
        opts = self._options(date, types, profile, strict_utf8)
        doc = self._doc()
        doc.data = data  # the doc borrows the buffer until its next call
        self._check(_lib.idner_analyze(self._handle(), doc.ptr, data, len(data),
                                       ctypes.byref(opts)), doc)
        return self._entities(doc, text if isinstance(text, str) else _decode(data))

    def analyze_tokens(self, tokens: Sequence[TextLike],
                       sentence_starts: Optional[Sequence[bool]] = None,
                       date: DateLike = None, types: TypesLike = None, *,
                       profile: Optional[str] = None,
                       strict_utf8: bool = False) -> List[Entity]:
        """Entities of pre-tokenized text; token i of the analysis is tokens[i].

        sentence_starts: one flag per token, true where a new sentence begins
        (None = one sentence). Offsets refer to the tokens joined by one space
        and the sentences by one newline; Entity.token_start/token_end index
        tokens. Other arguments as analyze()."""
        encoded = [_encode(t) for t in tokens]
        n = len(encoded)
        if sentence_starts is not None and len(sentence_starts) != n:
            raise _invalid(f"sentence_starts has {len(sentence_starts)} items for {n} tokens")
        opts = self._options(date, types, profile, strict_utf8)
        ptrs = (ctypes.c_char_p * n)(*encoded)
        lens = (ctypes.c_size_t * n)(*(len(t) for t in encoded))
        starts = None
        if sentence_starts is not None:
            starts = (ctypes.c_uint8 * n)(*(1 if s else 0 for s in sentence_starts))
        doc = self._doc()
        doc.data = b""  # the doc owns the joined text
        self._check(_lib.idner_analyze_tokens(self._handle(), doc.ptr, ptrs, lens, n, starts,
                                              ctypes.byref(opts)), doc)
        return self._entities(doc, _decode(self._text_bytes(doc)))

    def tokenize(self, text: TextLike, *, strict_utf8: bool = False) -> List[Token]:
        """The library's tokens of text (with sentence numbers), no recognition."""
        data = _encode(text)
        opts = self._options(None, (), None, strict_utf8)
        doc = self._doc()
        doc.data = data
        self._check(_lib.idner_analyze(self._handle(), doc.ptr, data, len(data),
                                       ctypes.byref(opts)), doc)
        shown = text if isinstance(text, str) else _decode(data)
        raw = _lib.idner_doc_tokens(doc.ptr)
        out = []
        for i in range(_lib.idner_doc_token_count(doc.ptr)):
            t = raw[i]
            out.append(Token(shown[t.char_start:t.char_end], t.char_start, t.char_end,
                             t.byte_start, t.byte_end, t.kind, t.flags, t.sentence))
        return out

    # -- lifetime --

    def close(self) -> None:
        """Frees the model and every thread's doc; idempotent. Not while other
        threads are analyzing with this model."""
        ptr, self._ptr = self._ptr, None
        with self._docs_lock:
            docs = list(self._docs)
            self._docs.clear()
        for doc in docs:
            doc.free()
        if ptr:
            self._free(ptr)

    def __enter__(self) -> "Model":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_ptr", None):
            self.close()

    def __repr__(self) -> str:
        if not self._ptr:
            return "<idner.Model closed>"
        return f"<idner.Model {self.entry_count} entries, tagger={self.has_tagger}>"

    # -- internals --

    def _handle(self):
        ptr = self._ptr
        if not ptr:
            raise _invalid("the model is closed")
        return ptr

    def _doc(self) -> _ThreadDoc:
        self._handle()
        doc = getattr(self._local, "doc", None)
        if doc is None or not doc.ptr:
            doc = _ThreadDoc()
            with self._docs_lock:
                self._docs.add(doc)
            self._local.doc = doc
        return doc

    def _options(self, date: DateLike, types: TypesLike, profile: Optional[str],
                 strict_utf8: bool) -> _native.IdnerOptions:
        opts = _native.IdnerOptions()
        _lib.idner_options_init(ctypes.byref(opts))
        opts.types = _types_mask(types)
        if strict_utf8:
            opts.flags |= _native.FLAG_STRICT_UTF8
        _set_date(opts, date)
        if profile is not None:
            raw = profile.encode("utf-8", "surrogateescape")
            out = _native.u32(0)
            status = _lib.idner_model_find_profile(self._handle(), raw, len(raw),
                                                   ctypes.byref(out))
            if status != OK:
                raise IdnerError(status, f"the model has no profile {profile!r} "
                                 f"(it has {', '.join(self.profiles())})")
            opts.profile = out.value
        return opts

    @staticmethod
    def _check(status: int, doc: _ThreadDoc) -> None:
        if status != OK:
            detail = _lib.idner_doc_error(doc.ptr) or b""
            raise IdnerError(status, detail.decode("utf-8", "replace"))

    @staticmethod
    def _text_bytes(doc: _ThreadDoc) -> bytes:
        n = _native.u32()
        ptr = _lib.idner_doc_text(doc.ptr, ctypes.byref(n))
        return ctypes.string_at(ptr, n.value) if ptr and n.value else b""

    @staticmethod
    def _entities(doc: _ThreadDoc, text: str) -> List[Entity]:
        # This loop runs with the GIL held (the library call did not): it is
        # what limits the thread speed-up, so it avoids per-entity ctypes calls.
        n = _lib.idner_doc_entity_count(doc.ptr)
        if n == 0:
            return []
        pool_len = _native.u32()
        pool_ptr = _lib.idner_doc_strings(doc.ptr, ctypes.byref(pool_len))
        pool = ctypes.string_at(pool_ptr, pool_len.value) if pool_ptr and pool_len.value \
            else b""
        # One copy of the array, unpacked as tuples: much cheaper than ctypes
        # field access (ENTITY_FORMAT is checked against IdnerEntity at import).
        raw = ctypes.string_at(_lib.idner_doc_entities(doc.ptr), n * _ENTITY_SIZE)
        out = []
        add = out.append
        for (etype, bs, be, cs, ce, ts, te, ev, vo, vl, mo, ml, eo, el, tz, has_tz,
             *_reserved) in _ENTITY_STRUCT.iter_unpack(raw):
            add(_new_tuple(Entity, (
                _type_name(etype), text[cs:ce], cs, ce, bs, be, ts, te,
                pool[vo:vo + vl].decode("utf-8", "surrogateescape") if vl else None,
                pool[mo:mo + ml].decode("utf-8", "surrogateescape") if ml else None,
                pool[eo:eo + el].decode("utf-8", "surrogateescape") if el else None,
                tz if has_tz else None, _evidence(ev))))
        return out


_new_tuple = tuple.__new__  # Entity(...) without the generated __new__'s call
_ENTITY_STRUCT = struct.Struct(_native.ENTITY_FORMAT)
_ENTITY_SIZE = _ENTITY_STRUCT.size
_type_names: Dict[int, str] = {}
_evidence_names: Dict[int, Tuple[str, ...]] = {}


def _type_name(code: int) -> str:
    name = _type_names.get(code)
    if name is None:  # a benign race: both threads store the same string
        name = _type_names[code] = _lib.idner_type_name(code).decode("ascii")
    return name


def _evidence(mask: int) -> Tuple[str, ...]:
    names = _evidence_names.get(mask)
    if names is None:
        names = _evidence_names[mask] = tuple(
            name for bit, name in enumerate(_native.EVIDENCE_NAMES) if mask & (1 << bit))
    return names

"""idner._native — loads libidner and declares its C API for ctypes.

Internal to the idner package: constants mirrored from include/idner.h, the
struct mirrors (idner_token, idner_entity, idner_options), the prototypes of
every function the package calls, and the library search. At import the
mirrors are checked against idner_sizeof_*(): a binding that does not match
the library raises ImportError instead of reading garbage.

Search order (the first that applies wins):
  1. IDNER_LIBRARY, a path to the shared library. When it is set nothing else
     is tried: a wrong path is an error, not a silent fallback.
  2. The build tree: <repo>/build/libidner.so next to this package.
  3. The system loader: ctypes.util.find_library("idner"), then the SONAME
     (libidner.so.MAJOR.MINOR) and libidner.so through dlopen's own search
     (LD_LIBRARY_PATH, ld.so.cache, the default directories).
"""

import ctypes
import ctypes.util
import os
import struct
from typing import List, Tuple

# ---- Constants mirrored from idner.h ---------------------------------------------

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

STATUS_NAMES = {
    OK: "IDNER_OK", ERR_NOMEM: "IDNER_ERR_NOMEM", ERR_INVALID_ARG: "IDNER_ERR_INVALID_ARG",
    ERR_IO: "IDNER_ERR_IO", ERR_DATA_FORMAT: "IDNER_ERR_DATA_FORMAT",
    ERR_DATA_VERSION: "IDNER_ERR_DATA_VERSION", ERR_INVALID_UTF8: "IDNER_ERR_INVALID_UTF8",
    ERR_TOO_LARGE: "IDNER_ERR_TOO_LARGE", ERR_NO_DATA: "IDNER_ERR_NO_DATA",
    ERR_INTERNAL: "IDNER_ERR_INTERNAL",
}

TYPE_NONE = 0
TYPES_ALL = 0x7E
LOAD_NO_DEFAULT = 0x1
LOAD_NO_MODEL = 0x2
FLAG_STRICT_UTF8 = 0x1

# IDNER_EV_* bit b is EVIDENCE_NAMES[b].
EVIDENCE_NAMES = ("GAZETTEER", "PATTERN", "TITLE", "NAME_PARTS", "DATE_RULE",
                  "PROPAGATED", "ACRONYM", "DATELINE", "CONTEXT", "MODEL")

# The SONAME this binding was written against (libidner.so.MAJOR.MINOR).
SONAME = "libidner.so.0.1"

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


# idner_entity as a struct module format (native byte order, no padding), in
# field order, for unpacking the whole entity array at once.
ENTITY_FORMAT = "=14IiI4I"


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

# ---- Finding and loading the library ---------------------------------------------


def _build_tree_library() -> str:
    # examples/python/idner/_native.py -> <repo>/build/libidner.so
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "build", "libidner.so"))


def load_library() -> Tuple[ctypes.CDLL, str]:
    """Returns (the loaded library, the path or name it was loaded from)."""
    tried: List[str] = []
    path = os.environ.get("IDNER_LIBRARY")
    if path:
        try:
            return ctypes.CDLL(path), path
        except OSError as err:
            raise ImportError(f"cannot load libidner from IDNER_LIBRARY={path!r}: {err} "
                              "(unset IDNER_LIBRARY to search the build tree and the "
                              "system instead)") from None
    tried.append("IDNER_LIBRARY (not set)")
    built = _build_tree_library()
    if os.path.exists(built):
        try:
            return ctypes.CDLL(built), built
        except OSError as err:
            tried.append(f"{built} ({err})")
    else:
        tried.append(f"{built} (no such file)")
    names = []
    found = ctypes.util.find_library("idner")
    if found:
        names.append(found)
    else:
        tried.append('ctypes.util.find_library("idner") (nothing)')
    names += [n for n in (SONAME, "libidner.so") if n not in names]
    for name in names:
        try:
            return ctypes.CDLL(name), name
        except OSError as err:
            tried.append(f"{name} ({err})")
    raise ImportError("libidner not found; tried: " + "; ".join(tried) +
                      ". Set IDNER_LIBRARY to the library's path, build it "
                      "(cmake -S . -B build && cmake --build build) or install it.")


def declare(lib: ctypes.CDLL) -> None:
    """Sets restype/argtypes of every function the package calls."""
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
        # strings (or text with NULs) and are read with string_at(ptr, len).
        "idner_doc_strings": (c_void_p, [DocPtr, P(u32)]),
        "idner_doc_text": (c_void_p, [DocPtr, P(u32)]),
        "idner_sizeof_token": (u32, []),
        "idner_sizeof_entity": (u32, []),
        "idner_sizeof_options": (u32, []),
    }
    for name, (restype, argtypes) in protos.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            raise ImportError(f"{name} is missing from the library: it is older than "
                              "this binding") from None
        fn.restype = restype
        fn.argtypes = argtypes


def check_layout(lib, where: str) -> None:
    """ImportError unless every struct mirror has the library's size."""
    for mirror, fn in ((IdnerToken, lib.idner_sizeof_token),
                       (IdnerEntity, lib.idner_sizeof_entity),
                       (IdnerOptions, lib.idner_sizeof_options)):
        if ctypes.sizeof(mirror) != fn():
            raise ImportError(f"{mirror.__name__} is {ctypes.sizeof(mirror)} bytes in the "
                              f"Python binding but {fn()} in {where}: the binding does not "
                              "match the library (use the binding of the same idner version)")


def check_entity_format() -> None:
    """ImportError unless ENTITY_FORMAT unpacks IdnerEntity field by field."""
    names = [name for name, _ in IdnerEntity._fields_ if name != "reserved"]
    probe = IdnerEntity()
    for i, name in enumerate(names, 1):  # distinct values; a negative one for the int32
        setattr(probe, name, -i if name == "tz_offset_minutes" else i)
    want = tuple(getattr(probe, name) for name in names) + (0,) * len(probe.reserved)
    if struct.calcsize(ENTITY_FORMAT) != ctypes.sizeof(IdnerEntity) or \
            struct.unpack(ENTITY_FORMAT, bytes(probe)) != want:
        raise ImportError("idner._native.ENTITY_FORMAT does not match IdnerEntity")


lib, library_path = load_library()
declare(lib)
check_layout(lib, library_path)
check_entity_format()

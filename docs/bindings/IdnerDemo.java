// IdnerDemo.java — a minimal Java binding of libidner with java.lang.foreign
// (Panama, final since Java 22; docs/bindings.md): struct layouts checked
// against idner_sizeof_*, opaque handles as MemorySegment addresses freed in
// finally blocks, values read from the string pool by offset + length, and
// code point offsets converted to UTF-16 String indices.
//
//   java --enable-native-access=ALL-UNNAMED IdnerDemo.java BUILD_DIR/libidner.so
import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.*;

public class IdnerDemo {
    // idner_entity: 20 x 4-byte integers (docs/API.md, "struct idner_entity")
    static final StructLayout ENTITY = MemoryLayout.structLayout(
        JAVA_INT.withName("type"), JAVA_INT.withName("byte_start"), JAVA_INT.withName("byte_end"),
        JAVA_INT.withName("char_start"), JAVA_INT.withName("char_end"),
        JAVA_INT.withName("token_start"), JAVA_INT.withName("token_end"),
        JAVA_INT.withName("evidence"), JAVA_INT.withName("value_offset"), JAVA_INT.withName("value_len"),
        JAVA_INT.withName("mod_offset"), JAVA_INT.withName("mod_len"),
        JAVA_INT.withName("end_value_offset"), JAVA_INT.withName("end_value_len"),
        JAVA_INT.withName("tz_offset_minutes"), JAVA_INT.withName("has_tz"),
        MemoryLayout.sequenceLayout(4, JAVA_INT).withName("reserved"));
    static final StructLayout OPTIONS = MemoryLayout.structLayout(
        JAVA_INT.withName("struct_size"), JAVA_INT.withName("types"), JAVA_INT.withName("flags"),
        JAVA_INT.withName("ref_year"), JAVA_INT.withName("ref_month"), JAVA_INT.withName("ref_day"),
        JAVA_INT.withName("profile"), MemoryLayout.sequenceLayout(3, JAVA_INT).withName("reserved"));

    static long off(StructLayout l, String field) {
        return l.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    static final Linker LINKER = Linker.nativeLinker();
    static SymbolLookup lib;

    static MethodHandle fn(String name, MemoryLayout ret, MemoryLayout... args) {
        FunctionDescriptor d = ret == null ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(ret, args);
        return LINKER.downcallHandle(lib.find(name).orElseThrow(), d);
    }

    static String cString(MemorySegment p) {  // a static or doc-owned NUL-terminated string
        return p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    public static void main(String[] args) throws Throwable {
        Arena global = Arena.global();
        lib = SymbolLookup.libraryLookup(Path.of(args[0]), global);
        // C uint32_t is read as Java int: use Integer.toUnsignedLong where it matters
        MethodHandle sizeofEntity = fn("idner_sizeof_entity", JAVA_INT);
        MethodHandle sizeofOptions = fn("idner_sizeof_options", JAVA_INT);
        MethodHandle strerror = fn("idner_strerror", ADDRESS, JAVA_INT);
        MethodHandle typeName = fn("idner_type_name", ADDRESS, JAVA_INT);
        MethodHandle modelLoad = fn("idner_model_load", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG);
        MethodHandle modelFree = fn("idner_model_free", null, ADDRESS);
        MethodHandle docNew = fn("idner_doc_new", JAVA_INT, ADDRESS);
        MethodHandle docFree = fn("idner_doc_free", null, ADDRESS);
        MethodHandle docError = fn("idner_doc_error", ADDRESS, ADDRESS);
        MethodHandle optionsInit = fn("idner_options_init", null, ADDRESS);
        MethodHandle analyze = fn("idner_analyze", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
        MethodHandle entityCount = fn("idner_doc_entity_count", JAVA_INT, ADDRESS);
        MethodHandle entities = fn("idner_doc_entities", ADDRESS, ADDRESS);
        MethodHandle strings = fn("idner_doc_strings", ADDRESS, ADDRESS, ADDRESS);

        if ((int) sizeofEntity.invokeExact() != ENTITY.byteSize()
                || (int) sizeofOptions.invokeExact() != OPTIONS.byteSize())
            throw new IllegalStateException("struct layouts do not match this libidner");

        String text = "🇮🇩 “Presiden” Joko Widodo bertemu Wang Yi di Jakarta pada Selasa (19/9/2023).";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            MemorySegment err = arena.allocate(256);
            int status = (int) modelLoad.invokeExact(MemorySegment.NULL, 0, out, err, 256L);
            if (status != 0)
                throw new RuntimeException(cString((MemorySegment) strerror.invokeExact(status)) + ": " + err.getString(0));
            MemorySegment model = out.get(ADDRESS, 0);
            MemorySegment doc = MemorySegment.NULL;
            try {
                if ((status = (int) docNew.invokeExact(out)) != 0) throw new RuntimeException("idner_doc_new: " + status);
                doc = out.get(ADDRESS, 0);
                MemorySegment opts = arena.allocate(OPTIONS);
                optionsInit.invokeExact(opts);
                opts.set(JAVA_INT, off(OPTIONS, "ref_year"), 2023);
                opts.set(JAVA_INT, off(OPTIONS, "ref_month"), 9);
                opts.set(JAVA_INT, off(OPTIONS, "ref_day"), 19);
                // UTF-8 bytes, not NUL-terminated: pass the length
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                MemorySegment buf = arena.allocate(utf8.length);
                buf.copyFrom(MemorySegment.ofArray(utf8));
                status = (int) analyze.invokeExact(model, doc, buf, (long) utf8.length, opts);
                if (status != 0) throw new RuntimeException(cString((MemorySegment) docError.invokeExact(doc)));

                int n = (int) entityCount.invokeExact(doc);
                // borrowed until the next analyze on doc or idner_doc_free: copy out what you keep
                MemorySegment ents = ((MemorySegment) entities.invokeExact(doc)).reinterpret(n * ENTITY.byteSize());
                MemorySegment poolLen = arena.allocate(JAVA_INT);
                MemorySegment pool = (MemorySegment) strings.invokeExact(doc, poolLen);
                pool = pool.reinterpret(Integer.toUnsignedLong(poolLen.get(JAVA_INT, 0)));
                for (int i = 0; i < n; i++) {
                    MemorySegment e = ents.asSlice(i * ENTITY.byteSize(), ENTITY);
                    int cs = e.get(JAVA_INT, off(ENTITY, "char_start")), ce = e.get(JAVA_INT, off(ENTITY, "char_end"));
                    // code points -> UTF-16 indices (the flag emoji is 2 code points, 4 chars)
                    int us = text.offsetByCodePoints(0, cs), ue = text.offsetByCodePoints(us, ce - cs);
                    int vo = e.get(JAVA_INT, off(ENTITY, "value_offset")), vl = e.get(JAVA_INT, off(ENTITY, "value_len"));
                    String value = vl == 0 ? "" : " = " + new String(pool.asSlice(vo, vl).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
                    String type = cString((MemorySegment) typeName.invokeExact(e.get(JAVA_INT, off(ENTITY, "type"))));
                    System.out.printf("%-4s \"%s\" chars [%d,%d) utf16 [%d,%d)%s%n", type, text.substring(us, ue), cs, ce, us, ue, value);
                }
            } finally {
                docFree.invokeExact(doc);      // NULL is a no-op
                modelFree.invokeExact(model);
            }
        }
    }
}

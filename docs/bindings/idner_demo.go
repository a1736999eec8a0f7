// idner_demo.go — a minimal Go binding of libidner with cgo (docs/bindings.md):
// struct sizes checked against idner_sizeof_*, opaque handles freed by the
// caller, entities copied out of the doc before its next analysis, values
// read from the string pool by offset + length, byte offsets slicing the Go
// string directly. Run with Go 1.19 (Debian's golang-go); see docs/bindings.md.
//
//	PKG_CONFIG_PATH=PREFIX/lib/pkgconfig go run idner_demo.go
package main

/*
#cgo pkg-config: idner
#include <stdlib.h>
#include <idner.h>
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

type Entity struct {
	Type       string
	Text       string
	Start, End int // byte offsets: index the Go string directly
	Value      string
}

type Model struct{ p *C.idner_model } // immutable: share between goroutines
type Doc struct{ p *C.idner_doc }     // one goroutine at a time

func statusError(status C.int32_t, detail string) error {
	return fmt.Errorf("idner: %s (%d): %s", C.GoString(C.idner_strerror(status)), int(status), detail)
}

func LoadModel() (*Model, error) {
	if unsafe.Sizeof(C.idner_entity{}) != uintptr(C.idner_sizeof_entity()) ||
		unsafe.Sizeof(C.idner_options{}) != uintptr(C.idner_sizeof_options()) {
		return nil, fmt.Errorf("idner.h does not match the linked libidner")
	}
	var m *C.idner_model
	var errbuf [256]C.char
	if st := C.idner_model_load(nil, 0, &m, &errbuf[0], C.size_t(len(errbuf))); st != C.IDNER_OK {
		return nil, statusError(st, C.GoString(&errbuf[0]))
	}
	return &Model{m}, nil
}

func (m *Model) Close() { C.idner_model_free(m.p) }

func NewDoc() (*Doc, error) {
	var d *C.idner_doc
	if st := C.idner_doc_new(&d); st != C.IDNER_OK {
		return nil, statusError(st, "")
	}
	return &Doc{d}, nil
}

func (d *Doc) Close() { C.idner_doc_free(d.p) }

func (d *Doc) Analyze(m *Model, text string, year, month, day int) ([]Entity, error) {
	var opts C.idner_options
	C.idner_options_init(&opts)
	opts.ref_year, opts.ref_month, opts.ref_day = C.int32_t(year), C.uint32_t(month), C.uint32_t(day)
	// Copy the text to C memory: the doc keeps a pointer to it
	// (idner_doc_text), which cgo forbids for Go memory after the call.
	ctext := C.CBytes([]byte(text))
	defer C.free(ctext)
	if st := C.idner_analyze(m.p, d.p, (*C.char)(ctext), C.size_t(len(text)), &opts); st != C.IDNER_OK {
		return nil, statusError(st, C.GoString(C.idner_doc_error(d.p)))
	}
	n := int(C.idner_doc_entity_count(d.p))
	if n == 0 {
		return nil, nil
	}
	ents := unsafe.Slice(C.idner_doc_entities(d.p), n) // borrowed: copy out below
	var poolLen C.uint32_t
	pool := C.idner_doc_strings(d.p, &poolLen)
	out := make([]Entity, 0, n)
	for _, e := range ents {
		ent := Entity{
			Type:  C.GoString(C.idner_type_name(e._type)), // "type" is a Go keyword: cgo names it _type
			Start: int(e.byte_start),
			End:   int(e.byte_end),
		}
		ent.Text = text[ent.Start:ent.End]
		if e.value_len > 0 { // offset + length, not a C string read
			ent.Value = C.GoStringN((*C.char)(unsafe.Add(unsafe.Pointer(pool), e.value_offset)), C.int(e.value_len))
		}
		out = append(out, ent)
	}
	return out, nil
}

func main() {
	model, err := LoadModel()
	if err != nil {
		panic(err)
	}
	defer model.Close()
	texts := []string{
		"Presiden Joko Widodo bertemu Menteri Luar Negeri China Wang Yi di Jakarta pada Selasa (19/9/2023).",
		"Rapat di Surabaya digelar kemarin oleh Kementerian Keuangan.",
	}
	var wg sync.WaitGroup
	results := make([][]Entity, len(texts))
	for i, t := range texts {
		wg.Add(1)
		go func(i int, t string) { // one doc per goroutine, one shared model
			defer wg.Done()
			doc, err := NewDoc()
			if err != nil {
				panic(err)
			}
			defer doc.Close()
			if results[i], err = doc.Analyze(model, t, 2023, 9, 19); err != nil {
				panic(err)
			}
		}(i, t)
	}
	wg.Wait()
	for _, ents := range results {
		for _, e := range ents {
			fmt.Printf("%-4s %q [%d,%d) %s\n", e.Type, e.Text, e.Start, e.End, e.Value)
		}
	}
}

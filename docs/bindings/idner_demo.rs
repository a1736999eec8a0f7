// idner_demo.rs — a minimal Rust binding of libidner (docs/bindings.md):
// #[repr(C)] mirrors of the structs checked against idner_sizeof_*, opaque
// handles wrapped in owning types that free them on drop, a model shared by
// two threads with one doc each, entities read as byte offsets into &str and
// values read from the doc's string pool by offset + length.
//
//   rustc --edition 2021 -L BUILD_DIR idner_demo.rs && LD_LIBRARY_PATH=BUILD_DIR ./idner_demo
use std::ffi::CStr;
use std::os::raw::c_char; // (std::ffi::c_char needs Rust 1.64; Debian 12 has 1.63)
use std::ptr;

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct IdnerOptions {
    pub struct_size: u32,
    pub types: u32,
    pub flags: u32,
    pub ref_year: i32,
    pub ref_month: u32,
    pub ref_day: u32,
    pub profile: u32,
    pub reserved: [u32; 3],
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IdnerToken {
    pub byte_start: u32,
    pub byte_end: u32,
    pub char_start: u32,
    pub char_end: u32,
    pub kind: u32,
    pub flags: u32,
    pub sentence: u32,
    pub reserved: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IdnerEntity {
    pub type_: u32,
    pub byte_start: u32,
    pub byte_end: u32,
    pub char_start: u32,
    pub char_end: u32,
    pub token_start: u32,
    pub token_end: u32,
    pub evidence: u32,
    pub value_offset: u32,
    pub value_len: u32,
    pub mod_offset: u32,
    pub mod_len: u32,
    pub end_value_offset: u32,
    pub end_value_len: u32,
    pub tz_offset_minutes: i32,
    pub has_tz: u32,
    pub reserved: [u32; 4],
}

// Opaque handles: never constructed or dereferenced on the Rust side.
#[repr(C)]
pub struct RawModel {
    _private: [u8; 0],
}
#[repr(C)]
pub struct RawDoc {
    _private: [u8; 0],
}

#[link(name = "idner")]
extern "C" {
    fn idner_strerror(status: i32) -> *const c_char;
    fn idner_version_string() -> *const c_char;
    fn idner_type_name(t: u32) -> *const c_char;
    fn idner_model_load(dir: *const c_char, flags: u32, out: *mut *mut RawModel,
                        errbuf: *mut c_char, errbuf_size: usize) -> i32;
    fn idner_model_free(model: *mut RawModel);
    fn idner_doc_new(out: *mut *mut RawDoc) -> i32;
    fn idner_doc_free(doc: *mut RawDoc);
    fn idner_doc_error(doc: *const RawDoc) -> *const c_char;
    fn idner_options_init(opts: *mut IdnerOptions);
    fn idner_analyze(model: *const RawModel, doc: *mut RawDoc, text: *const c_char, len: usize,
                     opts: *const IdnerOptions) -> i32;
    fn idner_doc_token_count(doc: *const RawDoc) -> u32;
    fn idner_doc_tokens(doc: *const RawDoc) -> *const IdnerToken;
    fn idner_doc_entity_count(doc: *const RawDoc) -> u32;
    fn idner_doc_entities(doc: *const RawDoc) -> *const IdnerEntity;
    fn idner_doc_strings(doc: *const RawDoc, len: *mut u32) -> *const c_char;
    fn idner_sizeof_token() -> u32;
    fn idner_sizeof_entity() -> u32;
    fn idner_sizeof_options() -> u32;
}

#[derive(Debug)]
pub struct Error {
    pub status: i32,
    pub message: String,
}

fn static_str(p: *const c_char) -> String {
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// Immutable after load: shared by reference between threads.
pub struct Model(*mut RawModel);
unsafe impl Send for Model {}
unsafe impl Sync for Model {}

impl Model {
    pub fn load_default() -> Result<Model, Error> {
        // the mirrors must match the library they run against
        assert_eq!(unsafe { idner_sizeof_token() } as usize, std::mem::size_of::<IdnerToken>());
        assert_eq!(unsafe { idner_sizeof_entity() } as usize, std::mem::size_of::<IdnerEntity>());
        assert_eq!(unsafe { idner_sizeof_options() } as usize, std::mem::size_of::<IdnerOptions>());
        let mut raw = ptr::null_mut();
        let mut err = [0 as c_char; 256];
        let status = unsafe { idner_model_load(ptr::null(), 0, &mut raw, err.as_mut_ptr(), err.len()) };
        if status != 0 {
            let detail = unsafe { CStr::from_ptr(err.as_ptr()) }.to_string_lossy().into_owned();
            return Err(Error { status, message: format!("{}: {}", static_str(unsafe { idner_strerror(status) }), detail) });
        }
        Ok(Model(raw))
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        unsafe { idner_model_free(self.0) }
    }
}

/// One thread at a time (Send, not Sync); reuse it for many documents.
pub struct Doc(*mut RawDoc);
unsafe impl Send for Doc {}

/// One entity, its text and value copied out of the borrowed results.
#[derive(Debug)]
pub struct Entity {
    pub type_name: String,
    pub text: String,
    pub bytes: (usize, usize),
    pub chars: (usize, usize),
    pub value: Option<String>,
}

impl Doc {
    pub fn new() -> Result<Doc, Error> {
        let mut raw = ptr::null_mut();
        let status = unsafe { idner_doc_new(&mut raw) };
        if status != 0 {
            return Err(Error { status, message: static_str(unsafe { idner_strerror(status) }) });
        }
        Ok(Doc(raw))
    }

    /// The results borrow the doc: &mut self ends their life at the next call.
    pub fn analyze(&mut self, model: &Model, text: &str, ref_date: (i32, u32, u32)) -> Result<Vec<Entity>, Error> {
        let mut opts = IdnerOptions::default();
        unsafe { idner_options_init(&mut opts) };
        (opts.ref_year, opts.ref_month, opts.ref_day) = ref_date;
        let status = unsafe { idner_analyze(model.0, self.0, text.as_ptr().cast(), text.len(), &opts) };
        if status != 0 {
            return Err(Error { status, message: static_str(unsafe { idner_doc_error(self.0) }) });
        }
        let ents: &[IdnerEntity] = unsafe {
            let n = idner_doc_entity_count(self.0) as usize;
            if n == 0 { &[] } else { std::slice::from_raw_parts(idner_doc_entities(self.0), n) }
        };
        // the pool is many NUL-terminated strings: read it as bytes, by offset + length
        let mut pool_len = 0u32;
        let pool_ptr = unsafe { idner_doc_strings(self.0, &mut pool_len) };
        let pool = unsafe { std::slice::from_raw_parts(pool_ptr.cast::<u8>(), pool_len as usize) };
        Ok(ents.iter().map(|e| {
            let (b0, b1) = (e.byte_start as usize, e.byte_end as usize);
            let value = (e.value_len > 0).then(|| {
                let v = &pool[e.value_offset as usize..(e.value_offset + e.value_len) as usize];
                String::from_utf8_lossy(v).into_owned()
            });
            Entity {
                type_name: static_str(unsafe { idner_type_name(e.type_) }),
                text: text[b0..b1].to_string(), // byte offsets index &str directly
                bytes: (b0, b1),
                chars: (e.char_start as usize, e.char_end as usize),
                value,
            }
        }).collect())
    }

    pub fn tokens(&self) -> &[IdnerToken] {
        let n = unsafe { idner_doc_token_count(self.0) } as usize;
        if n == 0 { &[] } else { unsafe { std::slice::from_raw_parts(idner_doc_tokens(self.0), n) } }
    }
}

impl Drop for Doc {
    fn drop(&mut self) {
        unsafe { idner_doc_free(self.0) }
    }
}

fn main() {
    println!("libidner {}", static_str(unsafe { idner_version_string() }));
    let model = Model::load_default().expect("load");
    let texts = [
        "“Presiden” Joko Widodo bertemu Menteri Luar Negeri China Wang Yi di Jakarta pada Selasa (19/9/2023).",
        "Rapat di Surabaya digelar kemarin oleh Kementerian Keuangan.",
    ];
    // one model shared by two threads, one doc per thread
    let results: Vec<Vec<Entity>> = std::thread::scope(|s| {
        let handles: Vec<_> = texts.iter().map(|t| {
            let model = &model;
            s.spawn(move || Doc::new().unwrap().analyze(model, t, (2023, 9, 19)).unwrap())
        }).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (t, ents) in texts.iter().zip(&results) {
        for e in ents {
            // code point offsets (Python's unit) differ from byte offsets after “
            assert_eq!(t.chars().skip(e.chars.0).take(e.chars.1 - e.chars.0).collect::<String>(), e.text);
            println!("{:<4} {:?} bytes {:?} chars {:?}{}", e.type_name, e.text, e.bytes, e.chars,
                     e.value.as_ref().map(|v| format!(" = {v}")).unwrap_or_default());
        }
    }
    let mut doc = Doc::new().unwrap();
    match doc.analyze(&model, "x", (2023, 2, 30)) {
        Err(e) => println!("error {} as expected: {}", e.status, e.message),
        Ok(_) => panic!("an invalid reference date must fail"),
    }
    doc.analyze(&model, "Halo Bandung.", (0, 0, 0)).unwrap();
    println!("{} tokens; first ends at byte {}", doc.tokens().len(), doc.tokens()[0].byte_end);
}

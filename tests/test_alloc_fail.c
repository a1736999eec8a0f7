/* test_alloc_fail.c — allocation-failure injection (issue 6), SQLite-style.
 *
 * This binary interposes malloc, calloc, realloc, free, aligned_alloc,
 * posix_memalign, memalign, valloc and pvalloc with wrappers that call
 * glibc's __libc_* allocator. The library is linked statically and PCRE2 and
 * utf8proc dynamically: the executable's definitions win symbol resolution,
 * so the wrappers see every allocation made by libidner, by PCRE2 and by the
 * libc functions they call (strdup, fopen, opendir, qsort). The wrappers
 * count allocations, fail the armed Nth one (NULL, errno ENOMEM), track the
 * live blocks (count and bytes, to detect leaks exactly) and record the
 * distinct call sites reached (return addresses found by unwinding).
 *
 * Each scenario runs its operation with the Nth allocation failing for
 * N = 1, 2, ... until the operation completes without reaching the armed
 * failure, then again with the Nth and every later allocation failing
 * (SQLite's persistent mode: what runs after an absorbed failure, e.g. a
 * failed JIT compile, fails too), and
 * checks that every failed call returns IDNER_ERR_NOMEM with a message (a
 * NULL model for loads) or IDNER_OK with unchanged results when a fallback
 * absorbed the failure, that nothing leaks, and that afterwards a
 * fresh load / doc gives the same entities as an unfailed run.
 *
 * A failure message's "N=12+" is N = 12 in persistent mode.
 *
 * Usage: test_alloc_fail SEED_TXT GAZETTEER_DIR [--sites FILE] [--only NAME]
 * Exit 77 (skipped) when the allocator is not ours (ASan/TSan builds define
 * malloc themselves). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unwind.h>

#include "common.h"
#include "idner.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define SANITIZER_BUILD 1
#endif
#endif

#ifdef SANITIZER_BUILD
int main(void) {
  printf("SKIP: sanitizer build: the sanitizer runtime defines malloc itself, so "
         "allocation-failure injection cannot interpose it\n");
  return 77;
}
#else

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

/* ---- the hook's state (the test's, not the library's) ---------------------- */

static int g_counting;          /* count (and maybe fail) allocations */
static unsigned long g_count;   /* allocations counted since arming */
static unsigned long g_fail_at; /* fail the allocation with this number (0 = none) */
static int g_persist;           /* and every allocation after it (SQLite's persistent mode) */
static int g_failed;            /* the armed failure was reached */
static int g_record;            /* record every counted call's site */
static int g_in_hook;           /* no counting inside the unwinder */
static size_t g_live_n, g_live_bytes;

/* Live blocks: open addressing, backward-shift deletion. */
#define LIVE_BITS 20
#define LIVE_SLOTS (1u << LIVE_BITS)
static struct { void *p; size_t size; } g_live[LIVE_SLOTS];

static size_t live_hash(const void *p) {
  return (size_t)(((uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull) >> (64 - LIVE_BITS));
}

static void live_add(void *p, size_t size) {
  if (!p) return;
  if (g_live_n >= LIVE_SLOTS / 2) {
    static const char msg[] = "test_alloc_fail: live table full\n";
    fwrite(msg, 1, sizeof msg - 1, stderr);
    abort();
  }
  size_t i = live_hash(p);
  while (g_live[i].p) i = (i + 1) & (LIVE_SLOTS - 1);
  g_live[i].p = p;
  g_live[i].size = size;
  g_live_n++;
  g_live_bytes += size;
}

/* Removes p; 0 if it was not tracked (allocated before the hook saw it). */
static int live_del(void *p) {
  if (!p) return 1;
  size_t i = live_hash(p);
  while (g_live[i].p != p) {
    if (!g_live[i].p) return 0;
    i = (i + 1) & (LIVE_SLOTS - 1);
  }
  g_live_n--;
  g_live_bytes -= g_live[i].size;
  for (size_t j = (i + 1) & (LIVE_SLOTS - 1);; j = (j + 1) & (LIVE_SLOTS - 1)) {
    if (!g_live[j].p) break;
    size_t h = live_hash(g_live[j].p);
    /* move j back to the hole i if its home is not in (i, j] */
    if (((j - h) & (LIVE_SLOTS - 1)) >= ((j - i) & (LIVE_SLOTS - 1))) {
      g_live[i] = g_live[j];
      i = j;
    }
  }
  g_live[i].p = NULL;
  return 1;
}

/* ---- call sites ------------------------------------------------------------- */

/* A site is the return address of the first frame outside this file's hooks
 * (the allocator's immediate caller: libidner, PCRE2 or libc), and, for the
 * library, the first frame of the executable outside idner__grow and
 * idner__bytes_append (the growable-array helpers every IDNER__RESERVE goes
 * through): the library line that asked for memory. */
#define MAX_SITES 4096
typedef struct site {
  uintptr_t pc;
  unsigned long hits, failed;
} site;
typedef struct site_set {
  site v[MAX_SITES];
  size_t n;
} site_set;
static site_set g_caller_sites; /* immediate callers, any module */
static site_set g_lib_sites;    /* libidner frames */
static unsigned long g_by_module[4]; /* immediate caller: 0 libidner, 1 PCRE2, 2 libc, 3 other */
static uintptr_t g_exe_base;

static site *site_get(site_set *s, uintptr_t pc) {
  for (size_t i = 0; i < s->n; i++)
    if (s->v[i].pc == pc) return &s->v[i];
  if (s->n == MAX_SITES) return NULL;
  s->v[s->n].pc = pc;
  s->v[s->n].hits = s->v[s->n].failed = 0;
  return &s->v[s->n++];
}

#define MAX_FRAMES 16
typedef struct frames {
  uintptr_t pc[MAX_FRAMES];
  int n;
} frames;

static _Unwind_Reason_Code collect(struct _Unwind_Context *ctx, void *arg) {
  frames *f = arg;
  if (f->n == MAX_FRAMES) return _URC_END_OF_STACK;
  f->pc[f->n++] = (uintptr_t)_Unwind_GetIP(ctx);
  return _URC_NO_REASON;
}

/* Default visibility (the build hides symbols by default): the wrappers
 * must be in the executable's dynamic symbol table for PCRE2 and libc's own
 * callers (strdup, fopen, opendir) to bind to them. */
#define HOOK __attribute__((visibility("default")))
HOOK void *malloc(size_t n);
HOOK void free(void *p);
HOOK void *calloc(size_t n, size_t m);
HOOK void *realloc(void *p, size_t n);
HOOK void *aligned_alloc(size_t a, size_t n);
HOOK int posix_memalign(void **out, size_t a, size_t n);
HOOK void *memalign(size_t a, size_t n);
HOOK void *valloc(size_t n);
HOOK void *pvalloc(size_t n);

static int is_hook(uintptr_t fn) {
  return fn == (uintptr_t)malloc || fn == (uintptr_t)calloc || fn == (uintptr_t)realloc ||
         fn == (uintptr_t)aligned_alloc || fn == (uintptr_t)posix_memalign ||
         fn == (uintptr_t)memalign || fn == (uintptr_t)valloc || fn == (uintptr_t)pvalloc;
}

static int module_of(uintptr_t pc) {
  Dl_info di;
  if (!dladdr((void *)pc, &di) || !di.dli_fname) return 3;
  if ((uintptr_t)di.dli_fbase == g_exe_base) return 0;
  if (strstr(di.dli_fname, "pcre2")) return 1;
  if (strstr(di.dli_fname, "libc.so")) return 2;
  return 3;
}

__attribute__((noinline)) static void note_site(int failed) {
  frames f = {{0}, 0};
  g_in_hook = 1;
  _Unwind_Backtrace(collect, &f);
  int i = 0;
  /* skip note_site and the hook */
  while (i < f.n) {
    uintptr_t fn = (uintptr_t)_Unwind_FindEnclosingFunction((void *)(f.pc[i] - 1));
    i++;
    if (is_hook(fn)) break;
  }
  if (i < f.n) {
    int mod = module_of(f.pc[i]);
    g_by_module[mod]++;
    site *s = site_get(&g_caller_sites, f.pc[i]);
    if (s) s->hits++, s->failed += (unsigned long)failed;
    for (; i < f.n; i++) {
      if (module_of(f.pc[i]) != 0) continue;
      uintptr_t fn = (uintptr_t)_Unwind_FindEnclosingFunction((void *)(f.pc[i] - 1));
      if (fn == (uintptr_t)idner__grow || fn == (uintptr_t)idner__bytes_append) continue;
      s = site_get(&g_lib_sites, f.pc[i]);
      if (s) s->hits++, s->failed += (unsigned long)failed;
      break;
    }
  }
  g_in_hook = 0;
}

/* 1 if this allocation is to fail. */
static int tick(void) {
  if (!g_counting || g_in_hook) return 0;
  g_count++;
  int first = g_count == g_fail_at;
  int fail = first || (g_persist && g_fail_at && g_count > g_fail_at);
  if (first) g_failed = 1;
  if (first || g_record) note_site(first);
  return fail;
}

void *malloc(size_t n) {
  if (tick()) { errno = ENOMEM; return NULL; }
  void *p = __libc_malloc(n);
  live_add(p, n);
  return p;
}

void *calloc(size_t n, size_t m) {
  if (tick()) { errno = ENOMEM; return NULL; }
  void *p = __libc_calloc(n, m);
  live_add(p, n * m);
  return p;
}

void *realloc(void *p, size_t n) {
  if (!p) return malloc(n);
  if (n == 0) { /* glibc: frees p */
    live_del(p);
    return __libc_realloc(p, 0);
  }
  if (tick()) { errno = ENOMEM; return NULL; }
  int known = live_del(p);
  void *q = __libc_realloc(p, n);
  if (q) live_add(q, n);
  else if (known) live_add(p, n); /* size unknown now; keeps the count right */
  return q;
}

void free(void *p) {
  if (!p) return;
  live_del(p);
  __libc_free(p);
}

void *memalign(size_t a, size_t n) {
  if (tick()) { errno = ENOMEM; return NULL; }
  void *p = __libc_memalign(a, n);
  live_add(p, n);
  return p;
}

void *aligned_alloc(size_t a, size_t n) {
  if (tick()) { errno = ENOMEM; return NULL; }
  void *p = __libc_memalign(a, n);
  live_add(p, n);
  return p;
}

int posix_memalign(void **out, size_t a, size_t n) {
  if (a < sizeof(void *) || (a & (a - 1))) return EINVAL;
  if (tick()) return ENOMEM;
  void *p = __libc_memalign(a, n);
  if (!p) return ENOMEM;
  live_add(p, n);
  *out = p;
  return 0;
}

void *valloc(size_t n) { return memalign(4096, n); }
void *pvalloc(size_t n) { return memalign(4096, (n + 4095) & ~(size_t)4095); }

/* ---- helpers ------------------------------------------------------------ */

static int g_failures;
#define CHECK(cond, ...)                                        \
  do {                                                          \
    if (!(cond)) {                                              \
      g_counting = 0;                                           \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                             \
      fputc('\n', stderr);                                      \
      g_failures++;                                             \
    }                                                           \
  } while (0)

/* "+" after N in messages: persistent mode */
#define PM (g_persist ? "+" : "")

static void arm(unsigned long n) {
  g_count = 0;
  g_fail_at = n;
  g_failed = 0;
  g_counting = 1;
}
static void disarm(void) { g_counting = 0; }

/* FNV-1a over the entities (all fields, values resolved), the token count
 * and the sentence count: equal digests = same results. */
static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001B3ull;
  return h;
}

static uint64_t digest(const idner_doc *d) {
  uint64_t h = 0xCBF29CE484222325ull;
  uint32_t nt = idner_doc_token_count(d), ns = idner_doc_sentence_count(d);
  uint32_t ne = idner_doc_entity_count(d);
  h = fnv(h, &nt, sizeof nt);
  h = fnv(h, &ns, sizeof ns);
  h = fnv(h, idner_doc_tokens(d), nt * sizeof(idner_token));
  uint32_t plen;
  const char *pool = idner_doc_strings(d, &plen);
  const idner_entity *e = idner_doc_entities(d);
  for (uint32_t i = 0; i < ne; i++) {
    idner_entity x = e[i];
    h = fnv(h, pool + x.value_offset, x.value_len);
    h = fnv(h, pool + x.mod_offset, x.mod_len);
    h = fnv(h, pool + x.end_value_offset, x.end_value_len);
    x.value_offset = x.mod_offset = x.end_value_offset = 0;
    h = fnv(h, &x, sizeof x);
  }
  return h;
}

/* ---- the text ----------------------------------------------------------- */

/* Corpus-like news text: datelines, dates and times of many shapes (with a
 * reference date: relative ones), acronyms after names, titles, surnames
 * repeated later (propagation), places, nations, organizations, non-ASCII
 * letters and a few invalid bytes. */
static const char k_extra[] =
    "\n\nANTARA, SURABAYA - Gubernur Jawa Timur Khofifah Indar Parawansa meresmikan "
    "Jembatan Suramadu Baru pada Senin (4/3/2024) pukul 09.30 WIB. Peresmian itu "
    "dihadiri Menteri Pekerjaan Umum dan Perumahan Rakyat (PUPR) Basuki Hadimuljono "
    "dan Direktur Utama PT Wijaya Karya (Persero) Tbk Agung Budi Waskito.\n"
    "Khofifah mengatakan proyek tersebut dimulai sejak 12 Januari 2022 dan selesai "
    "tiga bulan lebih cepat dari jadwal. \"Kami berterima kasih kepada Kementerian PUPR "
    "dan Badan Perencanaan Pembangunan Nasional (Bappenas),\" ujar Khofifah.\n"
    "Sementara itu, Basuki menyebut anggaran proyek mencapai Rp1,2 triliun. Menurut "
    "Basuki, pekerjaan tahap kedua akan berlangsung pada 2025 hingga akhir 2026.\n"
    "Baca Juga\n"
    "KOMPAS.com, JAKARTA - Komisi Pemberantasan Korupsi (KPK) memeriksa mantan Kepala "
    "Dinas Pendidikan Kota Bandung berinisial AS pada Kamis, 7 Maret 2024. Juru bicara "
    "KPK Ali Fikri mengatakan pemeriksaan berlangsung dari pukul 10:00 hingga 16:30 WIB "
    "di Gedung Merah Putih, Kuningan, Jakarta Selatan.\n"
    "Pemeriksaan tersebut merupakan kelanjutan dari operasi tangkap tangan pada "
    "pertengahan Februari lalu. Fikri menambahkan, KPK juga telah memanggil dua saksi "
    "dari Universitas Padjadjaran (Unpad) pada 20-22 Februari 2024.\n"
    "Di tempat terpisah, Presiden Joko Widodo bertemu Perdana Menteri Jepang Fumio "
    "Kishida di Istana Bogor, Jawa Barat, kemarin. Widodo dan Kishida membahas kerja "
    "sama Indonesia dan Jepang di bidang energi, termasuk pembangunan MRT Jakarta fase "
    "tiga yang ditargetkan rampung pada kuartal pertama 2029.\n"
    "Kedua pemimpin juga menyinggung pertemuan KTT ASEAN di Laos pada Oktober mendatang. "
    "Kishida mengatakan Jepang siap mendukung keketuaan Laos. Jokowi menyambut baik "
    "dukungan itu, seperti dilaporkan Reuters, Rabu (6/3).\n"
    "Bank Indonesia (BI) mempertahankan suku bunga acuan di level 6% pada rapat Dewan "
    "Gubernur 20-21 Maret 2024. Gubernur BI Perry Warjiyo menyatakan keputusan itu "
    "konsisten dengan upaya menjaga stabilitas rupiah. Perry menambahkan, inflasi "
    "diperkirakan tetap terkendali hingga akhir tahun ini, sementara Badan Pusat "
    "Statistik (BPS) akan merilis data inflasi pada 1 April 2024 pukul 11.00 WIB.\n"
    "Pada 17 Agustus 1945, Soekarno dan Mohammad Hatta memproklamasikan kemerdekaan "
    "Indonesia di Jalan Pegangsaan Timur 56, Jakarta. Setiap tahun, upacara peringatan "
    "digelar di Istana Merdeka; tahun lalu, upacara dipimpin Jokowi pada pukul 10.00 "
    "WIB, sedangkan tahun depan acara serupa direncanakan di Ibu Kota Nusantara (IKN), "
    "Kalimantan Timur. Otorita IKN menyebut persiapan dimulai pekan depan.\n"
    "Sri Mulyani Indrawati, Menteri Keuangan, dijadwalkan berbicara di forum Bank Dunia "
    "di Washington, Amerika Serikat, pada 15-19 April. Sri Mulyani akan didampingi "
    "Wakil Menteri Keuangan Suahasil Nazara. Mulyani mengatakan Indonesia akan "
    "menyampaikan posisi terkait pajak minimum global yang disepakati OECD pada 2021.\n"
    "Tim nasional Indonesia dijadwalkan melawan Vietnam di Stadion Utama Gelora Bung "
    "Karno (SUGBK) pada Selasa malam, 26 Maret 2024, pukul 19.30 WIB. Pelatih Shin "
    "Tae-yong memanggil 28 pemain, termasuk Jay Idzes dan Nathan Tjoe-A-On. Shin "
    "mengatakan persiapan tim berjalan baik sejak awal Maret.\n"
    "Polda Metro Jaya menangkap tiga tersangka pada dini hari tadi di Bekasi. "
    "Kabid Humas Polda Metro Jaya Kombes Ade Ary Syam Indradi mengatakan para "
    "tersangka ditahan selama 20 hari ke depan. Ade Ary menyebut kasus itu terjadi "
    "antara 1 dan 3 Maret 2024 di kawasan Cikarang, Kabupaten Bekasi.\n"
    "Presiden Turki Recep Tayyip Erdoğan dan Presiden Brasil Luiz Inácio Lula da Silva "
    "bertemu di São Paulo pada 2 Mei 2024; Erdoğan didampingi Menteri Luar Negeri "
    "Hakan Fİdan. Kanselir Jerman Olaf Scholz dan pelatih Thomas Müller juga hadir. "
    "ÉLYSÉE menyebut Macron absen. Lula menyebut pertemuan di São Paulo itu penting.\n"
    /* invalid UTF-8 (lenient mode): the folder's byte-by-byte path */
    "Berkas rusak berisi \xFF\xFE dan Band\xC3ung pada 5 Mei 2024.\n";

static char *g_text;
static size_t g_text_len;
static char g_short[] = "Presiden Joko Widodo tiba di Bandung pada 3 Januari 2024.";

static int read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return -1;
  }
  static char buf[64 * 1024];
  size_t n = fread(buf, 1, sizeof buf - sizeof k_extra, f);
  fclose(f);
  memcpy(buf + n, k_extra, sizeof k_extra - 1);
  g_text = buf;
  g_text_len = n + sizeof k_extra - 1;
  return 0;
}

/* ---- scenarios ---------------------------------------------------------- */

typedef struct result {
  const char *name;
  unsigned long allocs;  /* allocations in an unfailed run */
  unsigned long injected; /* failures injected (= runs that reached the armed N) */
  unsigned long persistent; /* the same in persistent mode */
  double seconds;
} result;
#define MAX_RESULTS 16
static result g_results[MAX_RESULTS];
static size_t g_nresults;

static const char *g_dir;
static idner_options g_opts;   /* with a reference date */
static idner_options g_popts;  /* and a corpus profile */
static const idner_options *g_aopts = &g_opts; /* those of the analyze scenario */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The scenario loop: setup (unarmed), op (armed with N), check, teardown;
 * the live blocks are back to the baseline after teardown. op returns the
 * status; check gets it and whether the armed failure was reached. */
typedef struct scenario {
  const char *name;
  void (*setup)(void);
  int32_t (*op)(void);
  void (*check)(int32_t rc, int reached); /* runs disarmed */
  void (*teardown)(void);
} scenario;

static void run(const scenario *s) {
  result *r = &g_results[g_nresults++];
  r->name = s->name;
  double t0 = now();
  /* an unfailed run first: its allocation count, with every site recorded */
  size_t base_n = g_live_n, base_bytes = g_live_bytes;
  if (s->setup) s->setup();
  g_record = 1;
  arm(0);
  int32_t rc = s->op();
  disarm();
  g_record = 0;
  r->allocs = g_count;
  CHECK(rc == IDNER_OK, "%s: unfailed run: %s", s->name, idner_strerror(rc));
  s->check(rc, 0);
  if (s->teardown) s->teardown();
  CHECK(g_live_n == base_n && g_live_bytes == base_bytes,
        "%s: unfailed run leaks %zu blocks, %zd bytes", s->name, g_live_n - base_n,
        (ssize_t)(g_live_bytes - base_bytes));
  for (g_persist = 0; g_persist < 2; g_persist++) {
    for (unsigned long n = 1;; n++) {
      base_n = g_live_n, base_bytes = g_live_bytes;
      if (s->setup) s->setup();
      arm(n);
      rc = s->op();
      disarm();
      int reached = g_failed;
      if (reached) {
        *(g_persist ? &r->persistent : &r->injected) += 1;
      } else { /* completed: N is past the allocations the operation makes */
        CHECK(rc == IDNER_OK, "%s: N=%lu%s (past the end): %s", s->name, n, PM,
              idner_strerror(rc));
        CHECK(n == r->allocs + 1, "%s: completed at N=%lu%s, the unfailed run had %lu allocations",
              s->name, n, PM, r->allocs);
      }
      s->check(rc, reached);
      if (s->teardown) s->teardown();
      CHECK(g_live_n == base_n && g_live_bytes == base_bytes,
            "%s: N=%lu%s: %s: leaks %zd blocks, %zd bytes", s->name, n, PM, idner_strerror(rc),
            (ssize_t)(g_live_n - base_n), (ssize_t)(g_live_bytes - base_bytes));
      if (!reached || g_failures > 20) break;
    }
  }
  g_persist = 0;
  r->seconds = now() - t0;
  printf("%-26s %4lu allocations, %4lu + %4lu failures injected (single + persistent), "
         "%6.2f s\n", r->name, r->allocs, r->injected, r->persistent, r->seconds);
  fflush(stdout);
}

/* The status of a failed call: NOMEM, or OK when the failure had a
 * fallback (the date rules' JIT compile falls back to the interpreter). */
static void check_status(const char *what, int32_t rc, int reached, const char *msg) {
  if (!reached) return;
  if (rc == IDNER_OK) return; /* the failure was absorbed: results checked by caller */
  CHECK(rc == IDNER_ERR_NOMEM, "%s: N=%lu%s: status %d (%s), message '%s'", what, g_fail_at, PM,
        (int)rc, idner_strerror(rc), msg);
  CHECK(msg[0] != '\0', "%s: N=%lu%s: empty message", what, g_fail_at, PM);
}

/* Loads, analyzes the full text with a fresh doc, returns the digest. */
static uint64_t digest_of(const idner_model *m) {
  idner_doc *d = NULL;
  CHECK(idner_doc_new(&d) == IDNER_OK, "doc_new");
  if (!d) return 0;
  int32_t rc = idner_analyze(m, d, g_text, g_text_len, &g_opts);
  CHECK(rc == IDNER_OK, "analyze: %s", idner_doc_error(d));
  uint64_t h = digest(d);
  idner_doc_free(d);
  return h;
}

/* -- loads -- */
static idner_model *g_lm;
static char g_err[256];
static const char *g_load_dir;
static uint32_t g_load_flags;
static uint64_t g_load_ref;

static int32_t op_load(void) {
  g_lm = (idner_model *)(uintptr_t)1; /* must be set to NULL on failure */
  memset(g_err, 0, sizeof g_err);
  return idner_model_load(g_load_dir, g_load_flags, &g_lm, g_err, sizeof g_err);
}

static void check_load(int32_t rc, int reached) {
  char what[64];
  snprintf(what, sizeof what, "load %s 0x%x", g_load_dir ? "dir" : "default",
           (unsigned)g_load_flags);
  check_status(what, rc, reached, g_err);
  if (rc != IDNER_OK) {
    CHECK(g_lm == NULL, "%s: N=%lu%s: out not NULL on failure", what, g_fail_at, PM);
    g_lm = NULL;
    /* afterwards a load succeeds (its result is checked below) */
    CHECK(idner_model_load(g_load_dir, g_load_flags, &g_lm, g_err, sizeof g_err) == IDNER_OK,
          "%s: reload after N=%lu%s: %s", what, g_fail_at, PM, g_err);
  }
  if (g_lm) {
    uint64_t h = digest_of(g_lm);
    if (!g_load_ref) g_load_ref = h;
    CHECK(h == g_load_ref, "%s: N=%lu%s: different entities after the load", what, g_fail_at, PM);
  }
  idner_model_free(g_lm);
  g_lm = NULL;
}

/* -- doc_new -- */
static idner_doc *g_nd;
static int32_t op_doc_new(void) {
  g_nd = (idner_doc *)(uintptr_t)1;
  int32_t rc = idner_doc_new(&g_nd);
  return rc;
}
static void check_doc_new(int32_t rc, int reached) {
  if (reached) {
    CHECK(rc == IDNER_ERR_NOMEM, "doc_new: N=%lu%s: %s", g_fail_at, PM, idner_strerror(rc));
    CHECK(g_nd == NULL, "doc_new: out not NULL on failure");
    g_nd = NULL;
  }
  idner_doc_free(g_nd);
  g_nd = NULL;
}

/* -- analyze -- */
static idner_model *g_model, *g_nomodel; /* shared, already used (rules JIT-compiled) */
static idner_model *g_am;                /* the model of the scenario */
static idner_doc *g_ad;
static int g_fresh_model, g_use_tokens;
static const idner_model *g_shared;
static uint64_t g_aref;
static char **g_toks;
static size_t *g_lens, g_ntok;
static uint8_t *g_starts;

static void setup_analyze(void) {
  g_am = NULL;
  if (g_fresh_model)
    CHECK(idner_model_load(NULL, 0, &g_am, g_err, sizeof g_err) == IDNER_OK, "load: %s", g_err);
  CHECK(idner_doc_new(&g_ad) == IDNER_OK, "doc_new");
}
static void setup_analyze_used(void) {
  setup_analyze();
  /* a used doc: it has analyzed a short text before */
  CHECK(idner_analyze(g_shared, g_ad, g_short, strlen(g_short), &g_opts) == IDNER_OK,
        "analyze short: %s", idner_doc_error(g_ad));
}
static int32_t op_analyze(void) {
  const idner_model *m = g_am ? g_am : g_shared;
  if (g_use_tokens)
    return idner_analyze_tokens(m, g_ad, (const char *const *)g_toks, g_lens, g_ntok, g_starts,
                                g_aopts);
  return idner_analyze(m, g_ad, g_text, g_text_len, g_aopts);
}
static void check_analyze(int32_t rc, int reached) {
  const char *what = g_use_tokens ? "analyze_tokens" : "analyze";
  check_status(what, rc, reached, idner_doc_error(g_ad));
  if (rc != IDNER_OK) {
    CHECK(idner_doc_entity_count(g_ad) == 0 && idner_doc_token_count(g_ad) == 0,
          "%s: N=%lu%s: results left in the doc after a failure", what, g_fail_at, PM);
    /* the same doc is usable again */
    rc = op_analyze();
    CHECK(rc == IDNER_OK, "%s: again after N=%lu%s: %s", what, g_fail_at, PM,
          idner_doc_error(g_ad));
  }
  CHECK(digest(g_ad) == g_aref, "%s: N=%lu%s: different results (status %s)", what, g_fail_at, PM,
        idner_strerror(rc));
  if (reached && g_fresh_model) {
    /* and a fresh doc on the same model */
    idner_doc *d2 = NULL;
    CHECK(idner_doc_new(&d2) == IDNER_OK, "doc_new");
    const idner_model *m = g_am ? g_am : g_shared;
    rc = g_use_tokens ? idner_analyze_tokens(m, d2, (const char *const *)g_toks, g_lens, g_ntok,
                                             g_starts, g_aopts)
                      : idner_analyze(m, d2, g_text, g_text_len, g_aopts);
    CHECK(rc == IDNER_OK && digest(d2) == g_aref, "%s: fresh doc after N=%lu%s differs", what,
          g_fail_at, PM);
    idner_doc_free(d2);
  }
}
static void teardown_analyze(void) {
  idner_doc_free(g_ad);
  g_ad = NULL;
  idner_model_free(g_am);
  g_am = NULL;
}

/* The tokens of the full text, as the caller of analyze_tokens has them. */
static void make_tokens(void) {
  idner_doc *d = NULL;
  idner_doc_new(&d);
  idner_options o;
  idner_options_init(&o);
  o.types = 0;
  idner_analyze(g_model, d, g_text, g_text_len, &o);
  g_ntok = idner_doc_token_count(d);
  const idner_token *t = idner_doc_tokens(d);
  g_toks = malloc(g_ntok * sizeof *g_toks);
  g_lens = malloc(g_ntok * sizeof *g_lens);
  g_starts = malloc(g_ntok);
  for (size_t i = 0; i < g_ntok; i++) {
    g_lens[i] = t[i].byte_end - t[i].byte_start;
    g_toks[i] = malloc(g_lens[i]);
    memcpy(g_toks[i], g_text + t[i].byte_start, g_lens[i]);
    g_starts[i] = (t[i].flags & IDNER_SHAPE_SENT_START) != 0;
  }
  idner_doc_free(d);
}

static uint64_t ref_digest(const idner_model *m, int tokens) {
  idner_doc *d = NULL;
  idner_doc_new(&d);
  int32_t rc = tokens ? idner_analyze_tokens(m, d, (const char *const *)g_toks, g_lens, g_ntok,
                                             g_starts, g_aopts)
                      : idner_analyze(m, d, g_text, g_text_len, g_aopts);
  CHECK(rc == IDNER_OK, "reference analyze: %s", idner_doc_error(d));
  uint64_t h = digest(d);
  CHECK(idner_doc_entity_count(d) > 50, "reference analyze: only %u entities",
        idner_doc_entity_count(d));
  idner_doc_free(d);
  return h;
}

static int selected(const char *only, const char *name) {
  return !only || strcmp(only, name) == 0;
}

static void write_sites(const char *path) {
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "cannot write %s\n", path);
    g_failures++;
    return;
  }
  const site_set *sets[2] = {&g_lib_sites, &g_caller_sites};
  const char *kinds[2] = {"lib", "caller"};
  for (int k = 0; k < 2; k++) {
    for (size_t i = 0; i < sets[k]->n; i++) {
      const site *s = &sets[k]->v[i];
      Dl_info di;
      const char *mod = "?";
      uintptr_t off = s->pc;
      if (dladdr((void *)s->pc, &di) && di.dli_fname) {
        mod = di.dli_fname;
        off = s->pc - (uintptr_t)di.dli_fbase;
      }
      /* pc - 1: the call instruction, for addr2line */
      fprintf(f, "%s\t%s\t0x%lx\t%lu\t%lu\n", kinds[k], mod, (unsigned long)(off - 1), s->hits,
              s->failed);
    }
  }
  fclose(f);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s SEED_TXT GAZETTEER_DIR [--sites FILE] [--only NAME]\n", argv[0]);
    return 2;
  }
  const char *sites_path = NULL, *only = NULL;
  for (int i = 3; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--sites") == 0) sites_path = argv[i + 1];
    else if (strcmp(argv[i], "--only") == 0) only = argv[i + 1];
  }
  g_dir = argv[2];
  /* keep freed memory in the heap: the thousands of loads here would
   * otherwise spend most of their time mapping and faulting fresh pages */
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  if (read_text(argv[1])) return 1;
  Dl_info di;
  if (!dladdr((void *)&g_count, &di)) return 1;
  g_exe_base = (uintptr_t)di.dli_fbase;
  /* the hook must see the allocations: a failure armed at 1 fails malloc */
  arm(1);
  void *volatile probe = malloc(16);
  disarm();
  if (probe || !g_failed) {
    printf("SKIP: malloc is not interposed by this binary (another allocator wins)\n");
    free(probe);
    return 77;
  }
  /* prime the unwinder and dladdr (they may allocate on first use) */
  note_site(0);
  g_caller_sites.n = g_lib_sites.n = 0;
  memset(g_by_module, 0, sizeof g_by_module);

  idner_options_init(&g_opts);
  g_opts.ref_year = 2024, g_opts.ref_month = 3, g_opts.ref_day = 8;
  if (idner_model_load(NULL, 0, &g_model, g_err, sizeof g_err) ||
      idner_model_load(NULL, IDNER_LOAD_NO_MODEL, &g_nomodel, g_err, sizeof g_err)) {
    fprintf(stderr, "load: %s\n", g_err);
    return 1;
  }
  make_tokens();
  g_popts = g_opts;
  if (idner_model_find_profile(g_model, "nerui", 5, &g_popts.profile) != IDNER_OK) {
    fprintf(stderr, "the default model has no profile 'nerui'\n");
    return 1;
  }
  printf("text: %zu bytes, %zu tokens\n", g_text_len, g_ntok);

  double t0 = now();
  static const struct { const char *name; const char *dir; uint32_t flags; } loads[] = {
      {"load default", NULL, 0},
      {"load default, no model", NULL, IDNER_LOAD_NO_MODEL},
      {"load dir, no default", "", IDNER_LOAD_NO_DEFAULT},
  };
  for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
    if (!selected(only, loads[i].name)) continue;
    g_load_dir = loads[i].dir ? g_dir : NULL;
    g_load_flags = loads[i].flags;
    g_load_ref = 0;
    scenario s = {loads[i].name, NULL, op_load, check_load, NULL};
    run(&s);
  }
  if (selected(only, "doc_new")) {
    scenario s = {"doc_new", NULL, op_doc_new, check_doc_new, NULL};
    run(&s);
  }
  static const struct {
    const char *name;
    int fresh_model, used_doc, tokens, nomodel, profile;
  } an[] = {
      {"analyze, fresh model+doc", 1, 0, 0, 0, 0},  /* first use: the rules' JIT compile */
      {"analyze, fresh doc", 0, 0, 0, 0, 0},
      {"analyze, used doc", 0, 1, 0, 0, 0},
      {"analyze, no model", 0, 0, 0, 1, 0},
      {"analyze, profile nerui", 0, 0, 0, 0, 1},
      {"analyze_tokens, fresh doc", 0, 0, 1, 0, 0},
      {"analyze_tokens, used doc", 0, 1, 1, 0, 0},
  };
  for (size_t i = 0; i < sizeof an / sizeof an[0]; i++) {
    if (!selected(only, an[i].name)) continue;
    g_fresh_model = an[i].fresh_model;
    g_use_tokens = an[i].tokens;
    g_shared = an[i].nomodel ? g_nomodel : g_model;
    g_aopts = an[i].profile ? &g_popts : &g_opts;
    g_aref = ref_digest(g_shared, an[i].tokens);
    scenario s = {an[i].name, an[i].used_doc ? setup_analyze_used : setup_analyze, op_analyze,
                  check_analyze, teardown_analyze};
    run(&s);
  }
  double total = now() - t0;

  unsigned long allocs = 0, injected = 0;
  for (size_t i = 0; i < g_nresults; i++)
    allocs += g_results[i].allocs, injected += g_results[i].injected + g_results[i].persistent;
  size_t lib_failed = 0;
  for (size_t i = 0; i < g_lib_sites.n; i++) lib_failed += g_lib_sites.v[i].failed > 0;
  printf("total: %lu allocations reached, %lu failures injected, %.1f s\n", allocs, injected,
         total);
  printf("immediate callers of the allocator: %lu calls from libidner, %lu from PCRE2, "
         "%lu from libc, %lu other; %zu distinct call sites\n",
         g_by_module[0], g_by_module[1], g_by_module[2], g_by_module[3], g_caller_sites.n);
  printf("libidner call sites reached: %zu, of which failed: %zu\n", g_lib_sites.n, lib_failed);
  if (!only) {
    CHECK(g_by_module[0] > 0 && g_by_module[1] > 0,
          "the hook must see libidner's and PCRE2's allocations");
    CHECK(lib_failed == g_lib_sites.n, "every library site reached must have failed once");
  }
  if (sites_path) write_sites(sites_path);

  idner_model_free(g_model);
  idner_model_free(g_nomodel);
  for (size_t i = 0; i < g_ntok; i++) free(g_toks[i]);
  free(g_toks), free(g_lens), free(g_starts);
  if (g_failures) printf("%d FAILURES\n", g_failures);
  else printf("all passed\n");
  return g_failures ? 1 : 0;
}
#endif

/* test_dates.c — table-driven tests of the date grammar (lib/dates.c):
 * each row is an expression in a sentence, a reference date and the
 * expected span, type, TIMEX3 value, mod, end value and time zone. Texts
 * are tokenized with the real tokenizer and sentence splitter. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dates.h"
#include "tokenizer.h"

typedef struct date_case {
  const char *text;
  int ry, rm, rd;        /* reference date; ry 0 = none */
  const char *span;      /* expected span text */
  const char *type;      /* "DATE" or "TIME" */
  const char *value, *mod, *end_value;
  int tz;                /* expected tz_offset_minutes; 0 = no zone */
  int nhits;             /* hits expected in the whole text */
} date_case;

#define REF 2023, 9, 19
/* DATE, reference 2023-09-19, one hit */
#define D(text, span, value) {text, REF, span, "DATE", value, "", "", 0, 1}
/* ... with a mod */
#define DM(text, span, value, mod) {text, REF, span, "DATE", value, mod, "", 0, 1}
/* ... with another reference date */
#define DR(text, y, m, d, span, value) {text, y, m, d, span, "DATE", value, "", "", 0, 1}
/* ... with a range end */
#define DE(text, span, value, end) {text, REF, span, "DATE", value, "", end, 0, 1}
/* TIME with reference, zone, n hits */
#define TM(text, y, m, d, span, value, end, tz, n) \
  {text, y, m, d, span, "TIME", value, "", end, tz, n}
/* anything, n hits */
#define DN(text, y, m, d, span, value, n) {text, y, m, d, span, "DATE", value, "", "", 0, n}

static const date_case k_cases[] = {
    /* 1. day month year, abbreviations, old spellings, tense tail */
    D("Proklamasi dibacakan pada 17 Agustus 1945 di Jakarta.", "17 Agustus 1945", "1945-08-17"),
    D("Rapat digelar 19 September 2023 di Istana.", "19 September 2023", "2023-09-19"),
    D("Acara itu berlangsung 5 Agt. 2023 di Bandung.", "5 Agt. 2023", "2023-08-05"),
    D("Ia lahir 5 Oktober. 2023 adalah tahun berat.", "5 Oktober", "2023-10-05"),
    D("Surat itu bertanggal 3 Nop 2022 dan diteken menteri.", "3 Nop 2022", "2022-11-03"),
    D("Sidang dibuka 19 Sept 2023 oleh hakim.", "19 Sept 2023", "2023-09-19"),
    D("Ia lahir pada 1 Pebruari 1990 di Medan.", "1 Pebruari 1990", "1990-02-01"),
    D("Pemungutan suara ulang digelar tanggal 5 Mei 2024.", "5 Mei 2024", "2024-05-05"),
    D("Kontrak itu diteken 30 Nopember 2021 di Surabaya.", "30 Nopember 2021", "2021-11-30"),
    D("Ia tiba 12 Jan 2023 di Bali.", "12 Jan 2023", "2023-01-12"),
    D("Pada 1 Oktober 2023 lalu, harga naik.", "1 Oktober 2023 lalu", "2023-10-01"),
    D("Ia wafat 24 Desember 2014 silam.", "24 Desember 2014 silam", "2014-12-24"),
    D("Pada 31 Desember 2023 pukul 23.59 WIB kembang api dinyalakan.",
      "31 Desember 2023 pukul 23.59 WIB", "2023-12-31"),
    D("Bayi itu lahir pada 29 Februari 2024.", "29 Februari 2024", "2024-02-29"),
    D("Indonesia merdeka pada 17 Agustus tahun 1945.", "17 Agustus tahun 1945", "1945-08-17"),
    D("Upacara digelar pada 17 Agustus di Istana.", "17 Agustus", "2023-08-17"),
    D("Ia pergi pada 5 Mei lalu.", "5 Mei lalu", "2023-05-05"),
    D("Ia pergi pada 25 Desember lalu.", "25 Desember lalu", "2022-12-25"),
    D("Kebakaran terjadi 19 september 2023 dini hari.", "19 september 2023 dini hari", "2023-09-19"),
    DR("Ia lahir 17 Agustus 1945 di Blitar.", 0, 0, 0, "17 Agustus 1945", "1945-08-17"),
    DE("Pameran berlangsung 12-14 Juni 2024 di JCC.", "12-14 Juni 2024", "2024-06-12", "2024-06-14"),
    /* weekday + date */
    D("Rapat digelar Selasa, 19 September 2023 di Jakarta.", "Selasa, 19 September 2023", "2023-09-19"),
    D("Salat diadakan Jum'at, 1 Desember 2023 di masjid.", "Jum'at, 1 Desember 2023", "2023-12-01"),
    D("Salat diadakan Jum\xe2\x80\x99" "at, 1 Desember 2023 di masjid.",
      "Jum\xe2\x80\x99" "at, 1 Desember 2023", "2023-12-01"),
    D("Pesawat hilang Minggu 28 Desember 2014 pukul 05.36 WIB.",
      "Minggu 28 Desember 2014 pukul 05.36 WIB", "2014-12-28"),
    D("Pengajian digelar Ahad, 17 September 2023.", "Ahad, 17 September 2023", "2023-09-17"),
    /* 2. Kompas style */
    D("kata kementerian itu seperti dilansir dari CNA, Selasa (19/9/2023).", "Selasa (19/9/2023)",
      "2023-09-19"),
    D("Ia tiba di Jakarta, Senin (18/9).", "Senin (18/9)", "2023-09-18"),
    D("Banjir melanda kota itu, Senin (2/1) malam.", "Senin (2/1) malam", "2023-01-02"),
    D("Kapal berangkat Selasa (3/10/2023) pukul 06.00 WIB.", "Selasa (3/10/2023) pukul 06.00 WIB",
      "2023-10-03"),
    D("Misa digelar Minggu (17/9/2023) di gereja.", "Minggu (17/9/2023)", "2023-09-17"),
    D("Pasar terbakar Jumat (15/9) pagi.", "Jumat (15/9) pagi", "2023-09-15"),
    D("Gempa terasa Rabu (17/8/2022) malam.", "Rabu (17/8/2022) malam", "2022-08-17"),
    DR("Sekolah dibuka kembali Selasa (2/1).", 2023, 12, 28, "Selasa (2/1)", "2024-01-02"),
    D("Pesawat itu hilang Minggu (28/12/2014) kemarin.", "Minggu (28/12/2014) kemarin",
      "2014-12-28"),
    D("Tim SAR bergerak Selasa (30/12/2014) sore ini.", "Selasa (30/12/2014) sore ini",
      "2014-12-30"),
    DR("Ia tiba di Jakarta, Senin (18/9).", 0, 0, 0, "Senin (18/9)", ""),
    /* 3. numeric */
    D("Surat itu bertanggal 19/9/2023.", "19/9/2023", "2023-09-19"),
    D("Surat itu bertanggal 19-09-2023.", "19-09-2023", "2023-09-19"),
    D("Surat itu bertanggal 19.09.2023.", "19.09.2023", "2023-09-19"),
    D("Rapat digelar Jumat, 1/12/2023 di balai desa.", "Jumat, 1/12/2023", "2023-12-01"),
    D("Rapat digelar Kamis, 21/9 di balai desa.", "Kamis, 21/9", "2023-09-21"),
    /* 4. month + year */
    D("Presiden Rusia itu berencana mengunjungi China pada Oktober 2023.", "Oktober 2023", "2023-10"),
    D("Pajak naik mulai bulan Juli 2024.", "Juli 2024", "2024-07"),
    D("Data Okt 2023 menunjukkan kenaikan.", "Okt 2023", "2023-10"),
    D("Laporan Sept. 2022 menunjukkan penurunan.", "Sept. 2022", "2022-09"),
    D("Harga naik sejak Desember tahun lalu.", "Desember tahun lalu", "2022-12"),
    D("Panen raya terjadi Maret tahun ini.", "Maret tahun ini", "2023-03"),
    D("Tarif baru berlaku Januari tahun depan.", "Januari tahun depan", "2024-01"),
    D("Inflasi pada Mei 2023 turun.", "Mei 2023", "2023-05"),
    /* 5. month + marker, bare month after a preposition */
    D("Xi Jinping berkunjung ke Moskow pada Maret lalu.", "Maret lalu", "2023-03"),
    D("Ajudan Putin mengatakan pada Juli lalu, bahwa ...", "Juli lalu", "2023-07"),
    D("Ia dilantik Desember lalu.", "Desember lalu", "2022-12"),
    D("Pemilu digelar Oktober mendatang.", "Oktober mendatang", "2023-10"),
    D("Gedung itu rampung Januari nanti.", "Januari nanti", "2024-01"),
    D("Gedung itu rampung Januari depan.", "Januari depan", "2024-01"),
    D("Ia ditahan September lalu.", "September lalu", "2022-09"),
    D("Ia ditahan Mei lalu.", "Mei lalu", "2023-05"),
    D("Kasus itu terungkap Agustus yang lalu.", "Agustus yang lalu", "2023-08"),
    D("Musim hujan datang Mei ini.", "Mei ini", "2023-05"),
    D("KTT digelar Desember mendatang.", "Desember mendatang", "2023-12"),
    D("Kesepakatan itu diteken pada Juli, kata dia.", "Juli", "2023-07"),
    D("Harga beras naik sejak Maret.", "Maret", "2023-03"),
    D("Hujan turun sepanjang bulan Mei.", "Mei", "2023-05"),
    D("Ia ditangkap pada Desember.", "Desember", "2022-12"),
    D("KTT itu akan digelar pada Desember.", "Desember", "2023-12"),
    /* 6. years */
    D("Target tahun 2023 tercapai.", "tahun 2023", "2023"),
    D("Ia terpilih pada 2019.", "2019", "2019"),
    D("Ia tinggal di sana sejak 2014.", "2014", "2014"),
    D("Peristiwa itu terjadi 1988 lalu.", "1988 lalu", "1988"),
    DE("Ia menjabat periode 2014-2019.", "2014-2019", "2014", "2019"),
    DE("Ia menjabat periode 2014 - 2019.", "2014 - 2019", "2014", "2019"),
    D("Ia lulus pada tahun 2019 lalu.", "tahun 2019 lalu", "2019"),
    DN("Ia menang pada 2019 dan 2024.", 2023, 9, 19, "2024", "2024", 2),
    D("Proyek itu berjalan hingga 2030.", "2030", "2030"),
    /* 7. deictic days */
    D("Sidang digelar hari ini.", "hari ini", "2023-09-19"),
    D("Ia tiba kemarin.", "kemarin", "2023-09-18"),
    D("Ia berangkat besok.", "besok", "2023-09-20"),
    D("Ia berangkat esok.", "esok", "2023-09-20"),
    D("Ia berangkat lusa.", "lusa", "2023-09-21"),
    D("Ia tiba kemarin lusa.", "kemarin lusa", "2023-09-17"),
    D("Hujan deras turun semalam.", "semalam", "2023-09-18"),
    D("Hujan deras turun tadi malam.", "tadi malam", "2023-09-18"),
    D("Ia berolahraga tadi pagi.", "tadi pagi", "2023-09-19"),
    D("Ia berangkat besok pagi.", "besok pagi", "2023-09-20"),
    D("Hari ini harga cabai naik.", "Hari ini", "2023-09-19"),
    D("Konser digelar malam ini.", "malam ini", "2023-09-19"),
    D("Ia tiba kemarin pukul 10.00 WIB.", "kemarin pukul 10.00 WIB", "2023-09-18"),
    DR("Ia tiba kemarin.", 2023, 3, 1, "kemarin", "2023-02-28"),
    DR("Ia tiba kemarin.", 2024, 3, 1, "kemarin", "2024-02-29"),
    DR("Ia berangkat besok.", 2023, 12, 31, "besok", "2024-01-01"),
    /* 8. week / month / year relatives, ISO weeks across year ends */
    D("Pada Forum Ekonomi Timur di Vladivostok pekan lalu, Putin berbicara.", "pekan lalu", "2023-W37"),
    D("Harga naik minggu lalu.", "minggu lalu", "2023-W37"),
    D("Harga naik pekan ini.", "pekan ini", "2023-W38"),
    D("Harga naik pekan depan.", "pekan depan", "2023-W39"),
    D("Harga naik minggu depan.", "minggu depan", "2023-W39"),
    D("Ia bertemu Sullivan pada akhir pekan lalu.", "akhir pekan lalu", "2023-W37-WE"),
    D("Ia bertemu Sullivan akhir pekan ini.", "akhir pekan ini", "2023-W38-WE"),
    D("Ia bertemu Sullivan akhir minggu depan.", "akhir minggu depan", "2023-W39-WE"),
    D("Harga naik bulan lalu.", "bulan lalu", "2023-08"),
    D("Harga naik bulan ini.", "bulan ini", "2023-09"),
    D("Harga naik bulan depan.", "bulan depan", "2023-10"),
    D("Harga naik tahun lalu.", "tahun lalu", "2022"),
    D("Harga naik tahun ini.", "tahun ini", "2023"),
    D("Harga naik tahun depan.", "tahun depan", "2024"),
    D("Harga naik pekan kemarin.", "pekan kemarin", "2023-W37"),
    D("Minggu lalu, harga cabai naik.", "Minggu lalu", "2023-W37"),
    D("Minggu ini harga cabai naik.", "Minggu ini", "2023-W38"),
    DR("Harga naik pekan ini.", 2021, 1, 3, "pekan ini", "2020-W53"),
    DR("Harga naik pekan ini.", 2024, 12, 30, "pekan ini", "2025-W01"),
    DR("Harga naik pekan lalu.", 2023, 1, 2, "pekan lalu", "2022-W52"),
    DR("Harga naik pekan ini.", 2027, 1, 1, "pekan ini", "2026-W53"),
    DR("Harga naik bulan depan.", 2023, 12, 31, "bulan depan", "2024-01"),
    DR("Harga naik bulan lalu.", 2023, 1, 15, "bulan lalu", "2022-12"),
    DR("Ia bertemu Sullivan akhir pekan lalu.", 2021, 1, 6, "akhir pekan lalu", "2020-W53-WE"),
    /* 9. N units ago / ahead */
    D("Ia tiba 3 hari lalu.", "3 hari lalu", "2023-09-16"),
    D("Ia tiba 3 hari yang lalu.", "3 hari yang lalu", "2023-09-16"),
    D("Ia tiba tiga hari lalu.", "tiga hari lalu", "2023-09-16"),
    D("Ia tiba dua pekan lalu.", "dua pekan lalu", "2023-W36"),
    D("Ia tiba dua minggu lalu.", "dua minggu lalu", "2023-W36"),
    D("Ia tiba sepekan lalu.", "sepekan lalu", "2023-W37"),
    D("Ia tiba sebulan lalu.", "sebulan lalu", "2023-08"),
    D("Ia tiba setahun lalu.", "setahun lalu", "2022"),
    D("Ia tiba 5 tahun silam.", "5 tahun silam", "2018"),
    D("Gedung rampung 2 bulan mendatang.", "2 bulan mendatang", "2023-11"),
    D("Ia pindah dua puluh tahun lalu.", "dua puluh tahun lalu", "2003"),
    D("Ia pindah sebelas bulan lalu.", "sebelas bulan lalu", "2022-10"),
    D("Ia pindah tiga belas tahun lalu.", "tiga belas tahun lalu", "2010"),
    D("Ia datang 3 hari lagi.", "3 hari lagi", "2023-09-22"),
    D("Ia datang 10 hari lalu.", "10 hari lalu", "2023-09-09"),
    D("Ia datang beberapa hari lalu.", "beberapa hari lalu", "PAST_REF"),
    /* 10. part of period -> mod */
    DM("NATO menolaknya pada awal tahun ini.", "awal tahun ini", "2023", "START"),
    DM("Harga turun akhir tahun lalu.", "akhir tahun lalu", "2022", "END"),
    DM("Festival digelar pertengahan Juli.", "pertengahan Juli", "2023-07", "MID"),
    DM("Festival digelar awal Oktober.", "awal Oktober", "2023-10", "START"),
    DM("Jalan tol rampung akhir 2023.", "akhir 2023", "2023", "END"),
    DM("Harga naik awal bulan ini.", "awal bulan ini", "2023-09", "START"),
    DM("Pemilu digelar pertengahan tahun depan.", "pertengahan tahun depan", "2024", "MID"),
    DM("Ia ditahan awal Maret lalu.", "awal Maret lalu", "2023-03", "START"),
    DM("Ia ditahan akhir Oktober 2023.", "akhir Oktober 2023", "2023-10", "END"),
    DM("Per akhir Juni 2023, laba naik.", "akhir Juni 2023", "2023-06", "END"),
    DM("Pabrik dibuka medio 2022.", "medio 2022", "2022", "MID"),
    DM("Harga naik awal pekan ini.", "awal pekan ini", "2023-W38", "START"),
    DM("Proyek rampung penghujung tahun.", "penghujung tahun", "2023", "END"),
    DM("Gaji naik akhir bulan depan.", "akhir bulan depan", "2023-10", "END"),
    DM("Industri itu tumbuh awal 2000-an.", "awal 2000-an", "200", "START"),
    DM("Aturan berlaku awal tahun 2024.", "awal tahun 2024", "2024", "START"),
    /* 11. weekdays */
    D("Ia tiba Senin dan langsung rapat.", "Senin", "2023-09-18"),
    D("Ia tiba Selasa dan langsung rapat.", "Selasa", "2023-09-19"),
    D("Ia tiba Rabu dan langsung rapat.", "Rabu", "2023-09-13"),
    D("Ia tiba Sabtu dan langsung rapat.", "Sabtu", "2023-09-16"),
    D("Ia tiba Jumat lalu.", "Jumat lalu", "2023-09-15"),
    D("Ia datang Jumat depan.", "Jumat depan", "2023-09-22"),
    D("Ia beribadah pada hari Minggu.", "Minggu", "2023-09-17"),
    D("Ia tiba Selasa lalu.", "Selasa lalu", "2023-09-12"),
    D("Ia tiba Rabu pekan lalu.", "Rabu pekan lalu", "2023-09-13"),
    D("Ia datang Senin pekan depan.", "Senin pekan depan", "2023-09-25"),
    D("Ia datang Kamis mendatang.", "Kamis mendatang", "2023-09-21"),
    D("Pasar ramai pada malam Minggu.", "malam Minggu", "2023-09-16"),
    D("Ia tiba Minggu malam.", "Minggu malam", "2023-09-17"),
    D("Ia tiba Senin pagi.", "Senin pagi", "2023-09-18"),
    D("Ia datang Jumat ini.", "Jumat ini", "2023-09-22"),
    D("Kamis diadakan rapat di balai kota.", "Kamis", "2023-09-14"),
    D("Presiden akan berkunjung Jumat.", "Jumat", "2023-09-22"),
    D("Ia tiba Minggu (17/9).", "Minggu (17/9)", "2023-09-17"),
    D("Pengumuman keluar Minggu, 17 September 2023.", "Minggu, 17 September 2023", "2023-09-17"),
    D("Ia ditangkap pada Minggu di rumahnya.", "Minggu", "2023-09-17"),
    DN("Pasar ramai Sabtu dan Minggu.", 2023, 9, 19, "Minggu", "2023-09-17", 2),
    D("Ia tiba Jum'at lalu.", "Jum'at lalu", "2023-09-15"),
    /* 12. clock times */
    TM("Rapat dimulai pukul 10.00 WIB.", 2023, 9, 19, "pukul 10.00 WIB", "2023-09-19T10:00", "", 420, 1),
    TM("Rapat dimulai pkl. 14:00 WITA.", 2023, 9, 19, "pkl. 14:00 WITA", "2023-09-19T14:00", "", 480, 1),
    TM("Rapat dimulai pukul 09.30 WIT.", 2023, 9, 19, "pukul 09.30 WIT", "2023-09-19T09:30", "", 540, 1),
    TM("Kapal tiba Selasa (3/10/2023), lalu warga berkumpul. Acara dimulai pukul 08.00 WIB.", 2023, 9, 19,
       "pukul 08.00 WIB", "2023-10-03T08:00", "", 420, 2),
    TM("Acara dimulai pukul 08.00 WIB.", 0, 0, 0, "pukul 08.00 WIB", "T08:00", "", 420, 1),
    TM("Pada 17 Agustus 1945 sekitar pukul 10.00 WIB proklamasi dibacakan.", 0, 0, 0, "pukul 10.00 WIB",
       "1945-08-17T10:00", "", 420, 2),
    TM("Pesta dimulai jam 7 malam.", 2023, 9, 19, "jam 7 malam", "2023-09-19T19:00", "", 0, 1),
    TM("Pesta usai jam 12 malam.", 2023, 9, 19, "jam 12 malam", "2023-09-19T00:00", "", 0, 1),
    TM("Layanan buka pukul 13.00-15.00 WIB.", 2023, 9, 19, "pukul 13.00-15.00 WIB", "2023-09-19T13:00",
       "2023-09-19T15:00", 420, 1),
    TM("Sidang dimulai 10.00 WIB.", 2023, 9, 19, "10.00 WIB", "2023-09-19T10:00", "", 420, 1),
    TM("Pesawat lepas landas pukul 07 . 00 waktu setempat.", 2023, 9, 19, "pukul 07 . 00",
       "2023-09-19T07:00", "", 0, 1),
    /* 13. vague */
    D("Harga beras saat ini tinggi.", "saat ini", "PRESENT_REF"),
    D("Harga beras kini tinggi.", "kini", "PRESENT_REF"),
    D("Harga beras sekarang tinggi.", "sekarang", "PRESENT_REF"),
    D("Harga beras naik baru-baru ini.", "baru-baru ini", "PAST_REF"),
    D("Harga beras naik beberapa waktu lalu.", "beberapa waktu lalu", "PAST_REF"),
    D("Dulu, kawasan itu adalah hutan.", "Dulu", "PAST_REF"),
    D("Kawasan itu sejak dulu adalah hutan.", "dulu", "PAST_REF"),
    D("Anak muda memikirkan masa depan.", "masa depan", "FUTURE_REF"),
    D("Ia melupakan masa lalu.", "masa lalu", "PAST_REF"),
    /* 14. decades, centuries */
    D("Musik itu populer pada 1990-an.", "1990-an", "199"),
    D("Musik itu populer pada tahun 90-an.", "tahun 90-an", "199"),
    D("Tantangan abad ke-21 makin berat.", "abad ke-21", "20"),
    D("Kota itu dibangun pada abad ke-19.", "abad ke-19", "18"),
    D("Tantangan abad XXI makin berat.", "abad XXI", "20"),
    D("Gaya itu lahir di era 1980-an.", "1980-an", "198"),
    D("Ponsel marak pada tahun 2000-an.", "tahun 2000-an", "200"),
    /* no reference date: absolute values only */
    DR("Ia tiba kemarin.", 0, 0, 0, "kemarin", ""),
    DR("Xi berkunjung pada Maret lalu.", 0, 0, 0, "Maret lalu", ""),
    DR("Putin berkunjung pada Oktober 2023.", 0, 0, 0, "Oktober 2023", "2023-10"),
    DR("Tantangan abad ke-21 makin berat.", 0, 0, 0, "abad ke-21", "20"),
    DR("Harga beras saat ini tinggi.", 0, 0, 0, "saat ini", "PRESENT_REF"),
    DR("Harga naik pekan lalu.", 0, 0, 0, "pekan lalu", ""),
    DR("Kapal tiba Selasa (19/9/2023).", 0, 0, 0, "Selasa (19/9/2023)", "2023-09-19"),
    /* ... but a day and month take the year of the last full date */
    DN("Jepang menyerah 15 Agustus 1945. Proklamasi dibacakan Jumat (17/8).", 0, 0, 0,
       "Jumat (17/8)", "1945-08-17", 2),
};

/* Texts that must produce no DATE or TIME at all. */
static const char *const k_negatives[] = {
    "Menteri itu memulai kunjungan selama 4 hari ke Rusia.",
    "Festival itu digelar setiap tahun.",
    "Indonesia mengincar Piala Dunia 2026.",
    "Aturan itu tertuang dalam UU Nomor 11 Tahun 2020 tentang Cipta Kerja.",
    "Aturan itu tertuang dalam PP No. 5 Tahun 2021.",
    "Mei Lestari datang ke kantor.",
    "Pada Forum Ekonomi Timur tahunan di Vladivostok.",
    "Jan Ethes bermain di halaman.",
    "Hujan turun tiga hari tanpa henti.",
    "Ia dirawat dua pekan di rumah sakit.",
    "Sebanyak 2019 peserta hadir.",
    "Tim itu bekerja 24 jam 7 hari seminggu.",
    "Mohon tunggu dulu.",
    "Ia harus mendaftar terlebih dahulu.",
    "Ia harus mendaftar terlebih dulu.",
    "Kantor itu buka Senin-Jumat.",
    "Tanggal 31/02/2023 tidak ada.",
    "Ia menunaikan salat Jumat di masjid.",
    "Gereja ramai setiap Minggu.",
    "Pasar buka setiap Senin.",
    "Gereja ramai setiap hari Minggu.",
    "Ia datang setiap malam Minggu.",
    "Skor 2/1 untuk tuan rumah.",
    "Hubungan kedua negara memasuki era baru.",
    "Sejak awal, ia menolak.",
    "Nenek itu berusia 90-an.",
    "Sekitar 1000-an orang hadir.",
    "Dia memakai jam tangan baru.",
    "Hari yang cerah untuk berlibur.",
    "Juni Rahayu hadir di acara itu.",
    "Des datang terlambat.",
    "Dia berusia 40 tahun.",
    "Ia menunggu satu tahun penuh.",
    "Kode pos 2023 tidak dikenal.",
    "Minggu pertama bulan puasa.",
    "Setiap akhir tahun kantor tutup.",
    "Ia libur setiap bulan.",
    "Ia bekerja selama tiga minggu.",
    "Ia bekerja selama bertahun-tahun.",
};

/* The seed article (examples/seed.txt) with its gold DATEs. */
static const char k_seed[] =
    "Bisnis.com, JAKARTA - Kementerian Luar Negeri Rusia menyatakan negaranya dan China mempunyai sikap yang sangat selaras mengenai Amerika Serikat (AS) dan perang di Ukraina.\n"
    "Pernyataan itu muncul setelah Menteri Luar Negeri China Wang Yi memulai kunjungan selama 4 hari ke Rusia, yang juga menjadi pertemuan terbaru dengan Menteri Luar Negeri Rusia Sergei Lavrov.\n"
    "“Kesamaan posisi kedua belah pihak mengenai tindakan AS di kancah internasional, termasuk sikap anti-Rusia dan anti-China,” kata kementerian itu seperti dilansir dari CNA, Selasa (19/9/2023).\n"
    "Wang Yi juga memberi tahu Lavrov tentang isi pembicaraan yang dia lakukan dengan penasihat keamanan nasional Presiden AS Joe Biden, Jake Sullivan, pada akhir pekan lalu.\n"
    "“Membahas secara rinci keadaan terkini di Ukraina, mencatat kesia-siaan upaya menyelesaikan krisis tanpa mempertimbangkan kepentingan Rusia, dan terlebih lagi, tanpa partisipasi Rusia,” ujarnya.\n"
    "Rusia dan China sering memuji kemitraan tanpa batas, serta kerja sama ekonomi dan militer antara kedua negara tersebut.\n"
    "Baca Juga\n"
    "China telah berusaha untuk memposisikan dirinya sebagai pihak netral dalam konflik Ukraina sambil menawarkan Rusia jalur diplomatik dan keuangan yang penting saat isolasi internasionalnya semakin dalam.\n"
    "Menurut laporan media pemerintah China, Wang Yi mengulangi pernyataan Beijing mengenai konflik Ukraina, yang menyerukan perundingan damai, tetapi ditanggapi dengan skeptis oleh AS dan NATO pada awal tahun ini.\n"
    "Wang Yi mengatakan kepada Lavrov bahwa rencana perundingan damai tersebut mempertimbangkan kekhawatiran keamanan semua pihak dan kondusif untuk menghilangkan akar penyebab konflik.\n"
    "“Persahabatan dengan bertetangga baik, kerja sama strategis komprehensif, dan kerja sama yang saling menguntungkan antara China dan Rusia akan terus berkontribusi pada pembangunan dan revitalisasi masing-masing negara,” tambahnya.\n"
    "Selama kunjungannya, Wang Yi dijadwalkan mengadakan konsultasi keamanan atas undangan Sekretaris Dewan Keamanan Rusia Nikolai Patrushev.\n"
    "Sementara itu, Presiden China Xi Jinping melakukan kunjungan kenegaraan ke Moskow pada Maret lalu dan menyatakan bahwa hubungan kedua negara memasuki era baru.\n"
    "Seorang ajudan Vladimir Putin mengatakan pada Juli lalu, bahwa Presiden Rusia itu berencana mengunjungi China pada Oktober 2023.\n"
    "Pada Forum Ekonomi Timur tahunan di Vladivostok pekan lalu, Putin mengatakan kepada Wakil Perdana Menteri China Zhang Guoqing bahwa hubungan antara Rusia dan China telah mencapai tingkat sejarah yang belum pernah terjadi sebelumnya."
;

typedef struct gold {
  unsigned start; /* byte offset */
  const char *span, *value, *mod;
} gold;

static const gold k_seed_gold[] = {
    {538, "Selasa (19/9/2023)", "2023-09-19", ""}, {710, "akhir pekan lalu", "2023-W37-WE", ""},
    {1454, "awal tahun ini", "2023", "START"},    {2110, "Maret lalu", "2023-03", ""},
    {2229, "Juli lalu", "2023-07", ""},          {2298, "Oktober 2023", "2023-10", ""},
    {2360, "pekan lalu", "2023-W37", ""},
};

/* ---- harness ------------------------------------------------------------ */

static idner__dategrammar *grammar;

static void setup(void) {
  char err[256] = "";
  int32_t rc = idner__dates_compile(&grammar, err, sizeof err);
  ck_assert_msg(rc == IDNER_OK, "compile: %d %s", rc, err);
}

static void teardown(void) {
  idner__dates_free(grammar);
  grammar = NULL;
}

typedef struct analysis {
  const char *text;
  idner__tokvec toks;
  idner__datehits hits;
} analysis;

static void analyze(analysis *a, const char *text, size_t len, int ry, int rm, int rd) {
  memset(a, 0, sizeof *a);
  a->text = text;
  ck_assert_int_eq(idner__tokenize(text, len, 0, &a->toks, NULL), IDNER_OK);
  idner__split_sentences(text, a->toks.v, a->toks.n);
  idner__datescratch *s = NULL;
  ck_assert_int_eq(idner__datescratch_new(&s), IDNER_OK);
  idner__refdate ref = {ry, rm, rd};
  int32_t rc = idner__dates_find(grammar, s, text, len, a->toks.v, a->toks.n, &ref, &a->hits);
  idner__datescratch_free(s);
  ck_assert_int_eq(rc, IDNER_OK);
}

static void release(analysis *a) {
  free(a->toks.v);
  free(a->hits.v);
}

static size_t hit_start(const analysis *a, const idner__date_hit *h) {
  return a->toks.v[h->tok_start].byte_start;
}

static size_t hit_len(const analysis *a, const idner__date_hit *h) {
  return a->toks.v[h->tok_end - 1].byte_end - hit_start(a, h);
}

/* All hits as text, for failure messages. */
static const char *describe(const analysis *a) {
  static char buf[2048];
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < a->hits.n && n < sizeof buf - 200; i++) {
    const idner__date_hit *h = &a->hits.v[i];
    n += (size_t)snprintf(buf + n, sizeof buf - n, "[%.*s|%s|%s|%s|%s] ", (int)hit_len(a, h),
                          a->text + hit_start(a, h), h->type == IDNER_TYPE_TIME ? "TIME" : "DATE",
                          h->value, h->mod, h->end_value);
  }
  return buf;
}

static const idner__date_hit *find_span(const analysis *a, const char *span) {
  for (size_t i = 0; i < a->hits.n; i++) {
    const idner__date_hit *h = &a->hits.v[i];
    if (hit_len(a, h) == strlen(span) && memcmp(a->text + hit_start(a, h), span, strlen(span)) == 0)
      return h;
  }
  return NULL;
}

/* ---- tests -------------------------------------------------------------- */

START_TEST(test_table) {
  const date_case *c = &k_cases[_i];
  analysis a;
  analyze(&a, c->text, strlen(c->text), c->ry, c->rm, c->rd);
  const idner__date_hit *h = find_span(&a, c->span);
  ck_assert_msg(h != NULL, "row %d \"%s\": no hit \"%s\"; got %s", _i, c->text, c->span,
                describe(&a));
  uint32_t type = strcmp(c->type, "TIME") == 0 ? IDNER_TYPE_TIME : IDNER_TYPE_DATE;
  ck_assert_msg(h->type == type, "row %d \"%s\": type; got %s", _i, c->text, describe(&a));
  ck_assert_msg(strcmp(h->value, c->value) == 0 && strcmp(h->mod, c->mod) == 0 &&
                    strcmp(h->end_value, c->end_value) == 0,
                "row %d \"%s\": want %s|%s|%s; got %s", _i, c->text, c->value, c->mod,
                c->end_value, describe(&a));
  ck_assert_msg(h->has_tz == (c->tz != 0) && h->tz_offset_minutes == c->tz,
                "row %d \"%s\": tz %d/%u, want %d", _i, c->text, h->tz_offset_minutes,
                h->has_tz, c->tz);
  ck_assert_msg(a.hits.n == (size_t)c->nhits, "row %d \"%s\": %zu hits, want %d: %s", _i,
                c->text, a.hits.n, c->nhits, describe(&a));
  release(&a);
}
END_TEST

START_TEST(test_negative) {
  const char *text = k_negatives[_i];
  analysis a;
  analyze(&a, text, strlen(text), REF);
  ck_assert_msg(a.hits.n == 0, "\"%s\": unexpected %s", text, describe(&a));
  release(&a);
}
END_TEST

START_TEST(test_seed) {
  analysis a;
  analyze(&a, k_seed, strlen(k_seed), REF);
  size_t ngold = sizeof k_seed_gold / sizeof k_seed_gold[0];
  ck_assert_msg(a.hits.n == ngold, "seed: %zu hits: %s", a.hits.n, describe(&a));
  for (size_t i = 0; i < ngold; i++) {
    const idner__date_hit *h = &a.hits.v[i];
    const gold *g = &k_seed_gold[i];
    ck_assert_uint_eq(hit_start(&a, h), g->start);
    ck_assert_uint_eq(hit_len(&a, h), strlen(g->span));
    ck_assert_int_eq(memcmp(k_seed + g->start, g->span, strlen(g->span)), 0);
    ck_assert_str_eq(h->value, g->value);
    ck_assert_str_eq(h->mod, g->mod);
    ck_assert_uint_eq(h->type, IDNER_TYPE_DATE);
  }
  release(&a);
}
END_TEST

/* Hits are appended: out->n is not reset between calls. */
START_TEST(test_appends) {
  const char *text = "Ia tiba kemarin dan pulang besok.";
  idner__tokvec toks = {0};
  idner__datehits hits = {0};
  idner__datescratch *s = NULL;
  idner__refdate ref = {REF};
  ck_assert_int_eq(idner__tokenize(text, strlen(text), 0, &toks, NULL), IDNER_OK);
  ck_assert_int_eq(idner__datescratch_new(&s), IDNER_OK);
  for (int k = 0; k < 2; k++)
    ck_assert_int_eq(idner__dates_find(grammar, s, text, strlen(text), toks.v, toks.n, &ref, &hits),
                     IDNER_OK);
  ck_assert_uint_eq(hits.n, 4);
  ck_assert_str_eq(hits.v[1].value, "2023-09-20");
  ck_assert_str_eq(hits.v[3].value, "2023-09-20");
  idner__datescratch_free(s);
  free(toks.v);
  free(hits.v);
}
END_TEST

/* Empty input, NULL / invalid reference dates and invalid UTF-8. */
START_TEST(test_edges) {
  analysis a;
  analyze(&a, "", 0, REF);
  ck_assert_uint_eq(a.hits.n, 0);
  release(&a);
  analyze(&a, "Ia tiba kemarin.", 16, 2023, 2, 30); /* invalid reference = none */
  ck_assert_uint_eq(a.hits.n, 1);
  ck_assert_str_eq(a.hits.v[0].value, "");
  release(&a);
  const char bad[] = "Pada \xff\xfe 19 September 2023 \xc3 kemarin \xe2\x80";
  analyze(&a, bad, sizeof bad - 1, REF);
  ck_assert_msg(a.hits.n == 2, "invalid UTF-8: %s", describe(&a));
  ck_assert_str_eq(a.hits.v[0].value, "2023-09-19");
  ck_assert_str_eq(a.hits.v[1].value, "2023-09-18");
  release(&a);

  idner__tokvec toks = {0};
  idner__datehits hits = {0};
  idner__datescratch *s = NULL;
  const char *text = "Ia tiba kemarin.";
  ck_assert_int_eq(idner__tokenize(text, strlen(text), 0, &toks, NULL), IDNER_OK);
  ck_assert_int_eq(idner__datescratch_new(&s), IDNER_OK);
  ck_assert_int_eq(idner__dates_find(grammar, s, text, strlen(text), toks.v, toks.n, NULL, &hits),
                   IDNER_OK);
  ck_assert_uint_eq(hits.n, 1);
  ck_assert_str_eq(hits.v[0].value, "");
  idner__datescratch_free(s);
  free(toks.v);
  free(hits.v);
}
END_TEST

/* A caller's pre-tokenized token may hold spaces ("Senin (18/9)"). */
START_TEST(test_multiword_token) {
  const char *text = "Ia tiba Senin (18/9) .";
  idner_token toks[4];
  const uint32_t bounds[4][2] = {{0, 2}, {3, 7}, {8, 20}, {21, 22}};
  memset(toks, 0, sizeof toks);
  for (int k = 0; k < 4; k++) toks[k].byte_start = bounds[k][0], toks[k].byte_end = bounds[k][1];
  idner__datehits hits = {0};
  idner__datescratch *s = NULL;
  idner__refdate ref = {REF};
  ck_assert_int_eq(idner__datescratch_new(&s), IDNER_OK);
  ck_assert_int_eq(idner__dates_find(grammar, s, text, strlen(text), toks, 4, &ref, &hits),
                   IDNER_OK);
  ck_assert_uint_eq(hits.n, 1);
  ck_assert_uint_eq(hits.v[0].tok_start, 2);
  ck_assert_uint_eq(hits.v[0].tok_end, 3);
  ck_assert_str_eq(hits.v[0].value, "2023-09-18");
  idner__datescratch_free(s);
  free(hits.v);
}
END_TEST

/* Many triggers in a long text: time must stay linear (a generous bound).
 * Each repetition holds five expressions: "tahun 2023", "pekan lalu",
 * "Senin", "pukul 10" and "dulu" (its "(18/9" is unclosed, its "Maret" has
 * no preposition, "3 hari" is a duration). */
START_TEST(test_linear) {
  static const char unit[] = "tahun 2023 pekan lalu 3 hari Senin (18/9 Maret pukul 10. dulu ";
  size_t reps = 20000, ulen = sizeof unit - 1, len = reps * ulen;
  char *text = malloc(len + 1);
  ck_assert_ptr_nonnull(text);
  for (size_t i = 0; i < reps; i++) memcpy(text + i * ulen, unit, ulen);
  text[len] = '\0';
  clock_t t0 = clock();
  analysis a;
  analyze(&a, text, len, REF);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  ck_assert_uint_eq(a.hits.n, 5 * reps);
  ck_assert_msg(secs < 30.0, "%.1f s for %zu bytes", secs, len);
  release(&a);
  /* a long whitespace run after every trigger word */
  size_t run = len / 8;
  memcpy(text, "tahun", 5);
  memset(text + 5, ' ', run);
  memcpy(text + 5 + run, "2023 bulan", 10);
  memset(text + 15 + run, ' ', len - 15 - run);
  t0 = clock();
  analyze(&a, text, len, REF);
  secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  ck_assert_uint_eq(a.hits.n, 1);
  ck_assert_str_eq(a.hits.v[0].value, "2023");
  ck_assert_msg(secs < 30.0, "%.1f s for a whitespace run", secs);
  release(&a);
  free(text);
}
END_TEST

/* The grammar can be compiled and freed repeatedly (no global state). */
START_TEST(test_compile_twice) {
  idner__dategrammar *g2 = NULL;
  ck_assert_int_eq(idner__dates_compile(&g2, NULL, 0), IDNER_OK);
  ck_assert_ptr_nonnull(g2);
  idner__dates_free(g2);
  idner__dates_free(NULL);
  idner__datescratch_free(NULL);
}
END_TEST

static Suite *dates_suite(void) {
  Suite *s = suite_create("dates");
  TCase *tc = tcase_create("core");
  tcase_add_unchecked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, test_table, 0, (int)(sizeof k_cases / sizeof k_cases[0]));
  tcase_add_loop_test(tc, test_negative, 0, (int)(sizeof k_negatives / sizeof k_negatives[0]));
  tcase_add_test(tc, test_seed);
  tcase_add_test(tc, test_appends);
  tcase_add_test(tc, test_edges);
  tcase_add_test(tc, test_multiword_token);
  tcase_add_test(tc, test_linear);
  tcase_add_test(tc, test_compile_twice);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(dates_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

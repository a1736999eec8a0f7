/* sentences.c — the sentence splitter: groups tokens into sentences after
 * terminal punctuation (. ! ? … ...) together with the closing quotes and
 * brackets glued to it, and at every line break. Abbreviations and initials
 * never split: their periods are inside WORD tokens, not PUNCT ones. */
#include "tokenizer.h"

/* Code points that end a sentence (ASCII and the CJK / full-width forms). */
static int is_terminal_cp(int32_t cp) {
  return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 || cp == 0x3002 ||
         cp == 0xFF01 || cp == 0xFF0E || cp == 0xFF1F;
}

/* Code points that close a quotation or bracket. */
static int is_closing_cp(int32_t cp) {
  return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == '}' || cp == 0x2019 ||
         cp == 0x201D || cp == 0x00BB || cp == 0x203A || cp == 0x300D || cp == 0x300F ||
         cp == 0xFF09;
}

/* A PUNCT token made only of terminal characters ("." "?!" "..." "…").
 * Most PUNCT tokens start with another ASCII byte (, " ( ) -). */
static inline int is_terminal(const char *text, const idner_token *t) {
  if (t->kind != IDNER_TOK_PUNCT || t->byte_end <= t->byte_start) return 0;
  const char *s = text + t->byte_start;
  unsigned char b = (unsigned char)*s;
  if (b < 0x80u && b != '.' && b != '!' && b != '?') return 0;
  size_t len = t->byte_end - t->byte_start;
  for (size_t i = 0; i < len;) {
    int32_t cp;
    i += idner__utf8_decode(s, len, i, &cp);
    if (!is_terminal_cp(cp)) return 0;
  }
  return 1;
}

/* A PUNCT token that is one closing quote or bracket. */
static int is_closing(const char *text, const idner_token *t) {
  if (t->kind != IDNER_TOK_PUNCT || t->byte_end <= t->byte_start) return 0;
  size_t len = t->byte_end - t->byte_start;
  int32_t cp;
  return idner__utf8_decode(text + t->byte_start, len, 0, &cp) == len && is_closing_cp(cp);
}

/* Is there a line break (LF, CR, VT, FF, NEL, U+2028, U+2029) in text[b..e)? */
static int has_line_break(const char *text, uint32_t b, uint32_t e) {
  const unsigned char *u = (const unsigned char *)text;
  for (uint32_t i = b; i < e; i++) {
    unsigned char c = u[i];
    if (c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
    if (c == 0xC2u && i + 1 < e && u[i + 1] == 0x85u) return 1;
    if (c == 0xE2u && i + 2 < e && u[i + 1] == 0x80u && (u[i + 2] == 0xA8u || u[i + 2] == 0xA9u))
      return 1;
  }
  return 0;
}

/* Does toks[i] begin a new sentence, given that a terminal token is
 * pending before it? Closing quotes glued to the terminal and further
 * terminals (". . .") stay with the sentence. */
static int starts_after_terminal(const char *text, const idner_token *prev,
                                 const idner_token *t) {
  if (is_terminal(text, t)) return 0;
  return !(prev->byte_end == t->byte_start && is_closing(text, t));
}

void idner__sentence_next(idner__sentences *st, const char *text, const idner_token *prev,
                          idner_token *t, int line_break) {
  int starts = prev == NULL;
  if (prev && text && (line_break || (st->pending && starts_after_terminal(text, prev, t)))) {
    st->sent++;
    st->pending = 0;
    starts = 1;
  }
  t->sentence = st->sent;
  if (starts) t->flags |= IDNER_SHAPE_SENT_START;
  else t->flags &= ~IDNER_SHAPE_SENT_START;
  if (text && is_terminal(text, t)) st->pending = 1;
}

uint32_t idner__split_sentences(const char *text, idner_token *toks, size_t n) {
  idner__sentences st = {0, 0};
  for (size_t i = 0; i < n; i++) {
    const idner_token *prev = i ? &toks[i - 1] : NULL;
    int line_break = prev && text && has_line_break(text, prev->byte_end, toks[i].byte_start);
    idner__sentence_next(&st, text, prev, &toks[i], line_break);
  }
  return n ? st.sent + 1 : 0;
}

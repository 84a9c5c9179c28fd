/*
** diag.h: source files, spans and diagnostics.
**
** Every stage reports problems through a Diags context.  A diagnostic has a
** span (file, first and last line/column, 1-based, last column inclusive),
** a level and a message; notes attach to the error before them.  Diagnostics
** are collected and printed in source order by diag_flush(), each as
**
**     model.snn:3:12: error: message
**         3 |     dv/dt = v + t
**           |             ^~~~~
**
** which is the format editors and the golden tests understand.
*/
#ifndef SNN_DIAG_H
#define SNN_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "util.h"

/* A loaded source file and the offsets at which its lines start. */
typedef struct SrcFile {
  int id;           /* index in the SourceMap */
  char *path;       /* as given by the user or the import resolver */
  char *text;       /* contents, NUL-terminated */
  size_t len;
  int *line_starts; /* byte offset of each line */
  int nlines;
} SrcFile;

/* A region of a source file; line and col are 1-based, end_col inclusive. */
typedef struct Span {
  int file;
  int line, col;
  int end_line, end_col;
} Span;

typedef enum DiagLevel { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagLevel;

typedef struct Diagnostic Diagnostic;

/* The diagnostics context of one compilation. */
typedef struct Diags {
  PtrVec files;       /* SrcFile*, owned */
  PtrVec pending;     /* Diagnostic*, owned, not yet printed */
  FILE *out;          /* where diag_flush prints (stderr by default) */
  int errors;         /* errors reported so far (printed or not) */
  int warnings;
  int max_errors;     /* stop recording after this many (0 = 100) */
  bool color;         /* ANSI colours, for terminals */
} Diags;

/* Prepares an empty context printing to out. */
void diags_init(Diags *d, FILE *out);
/* Frees files and pending diagnostics. */
void diags_free(Diags *d);

/* Loads a file; NULL (and errno) if it cannot be read. */
SrcFile *diag_load_file(Diags *d, const char *path);
/* Registers in-memory text (a REPL line, a test) as a source file. */
SrcFile *diag_add_text(Diags *d, const char *name, const char *text, size_t len);
/* The file with the given id. */
SrcFile *diag_file(const Diags *d, int id);
/* The text of a (1-based) line without its newline, and its length. */
const char *src_line(const SrcFile *f, int line, int *len);
/* The byte offset in a line of `len` bytes where 1-based column `col`
   starts (columns count UTF-8 characters); len when past the end. */
int src_col_to_byte(const char *line, int len, int col);
/* The span covering a and b (same file, a first). */
Span span_join(Span a, Span b);
/* A span with no location (a message about the command line). */
Span span_none(void);

/* Reports an error at span. */
void diag_error(Diags *d, Span span, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reports a warning at span. */
void diag_warning(Diags *d, Span span, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Attaches a note to the last error or warning (dropped if there is none). */
void diag_note(Diags *d, Span span, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prints every pending diagnostic in source order and forgets them. */
void diag_flush(Diags *d);

#endif

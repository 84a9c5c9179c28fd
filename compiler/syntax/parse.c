/*
** parse.c: runs the scanner and parser over one source file.
*/
#include "parse.h"

#include <string.h>

#include "snn.tab.h"
#include "snn.lex.h"

static Module *parse(Arena *arena, Diags *diags, SrcFile *file, bool expression, Expr **expr,
                     size_t offset) {
  ParseCtx ps;
  memset(&ps, 0, sizeof ps);
  ps.expression_mode = expression;
  ps.arena = arena;
  ps.diags = diags;
  ps.file = file;
  ps.line = 1;
  ps.col = (int)offset + 1;
  ps.module = arena_alloc(arena, sizeof(Module));
  ps.module->file = file;

  int errors_before = diags->errors;
  yyscan_t scanner;
  if (snn_yylex_init_extra(&ps, &scanner) != 0) {
    diag_error(diags, span_none(), "cannot start the scanner (out of memory)");
    ps.module->syntax_errors = 1;
    return ps.module;
  }
  ps.scanner = scanner;
  YY_BUFFER_STATE buf = snn_yy_scan_bytes(file->text + offset, (int)(file->len - offset), scanner);
  int rc = yyparse(scanner, &ps);
  snn_yy_delete_buffer(buf, scanner);
  snn_yylex_destroy(scanner);
  ps.module->syntax_errors = diags->errors - errors_before;
  if (rc != 0 && ps.module->syntax_errors == 0) ps.module->syntax_errors = 1;
  if (expr) *expr = ps.module->syntax_errors ? NULL : ps.expr;
  return ps.module;
}

Module *parse_file(Arena *arena, Diags *diags, SrcFile *file) {
  return parse(arena, diags, file, false, NULL, 0);
}

Expr *parse_expression(Arena *arena, Diags *diags, SrcFile *file, size_t offset) {
  Expr *e = NULL;
  if (offset > file->len) offset = file->len;
  parse(arena, diags, file, true, &e, offset);
  return e;
}

/*
** fmt.h: canonical formatting of .snn source (snnc fmt).
*/
#ifndef SNN_FMT_H
#define SNN_FMT_H

#include "ast.h"

/* Appends the canonical text of a parsed module, comments included. */
void fmt_module(const Module *m, StrBuf *out);
/* Appends the canonical text of one expression (an agents' feature, say). */
void fmt_expr(const Expr *e, StrBuf *out);

#endif

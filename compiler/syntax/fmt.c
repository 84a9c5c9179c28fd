/*
** fmt.c: canonical formatting of a module (snnc fmt).
**
** The printer walks the tree and writes each construct one way: four
** spaces per block level, one space around binary operators (none around
** '^'), one item per line.  What the tree does not hold is taken from the
** source so that nothing the author wrote is lost:
**   - comments, kept in the order they appear: a comment on its own line
**     goes before the next item at that item's indentation; a comment at the
**     end of a line follows the item that line ends;
**   - blank lines between items (several collapse into one);
**   - whether a short block ({ v = Vr }, { p = 0.02 }) sat on one line.
** Parentheses are kept as written (EX_PAREN).  Printing the output again
** gives the same text: the rules only look at what they themselves emit.
*/
#include "fmt.h"

#include <string.h>

enum { INDENT = 4, MAX_INLINE = 100 };

typedef struct Printer {
  StrBuf *out;
  Comment *next_comment;  /* the first comment not yet printed */
  int last_line;          /* source line of the last thing printed */
  int depth;
} Printer;

static void print_expr(StrBuf *b, const Expr *e);
static void print_decls(Printer *p, const Decl *d, int close_line);

static void print_args(StrBuf *b, const Expr *a) {
  for (; a; a = a->next) {
    if (a->arg_name) sb_printf(b, "%s = ", a->arg_name);
    print_expr(b, a);
    if (a->next) sb_puts(b, ", ");
  }
}

static void print_string(StrBuf *b, const char *s) {
  sb_putc(b, '"');
  for (; *s; s++) {
    switch (*s) {
    case '"': sb_puts(b, "\\\""); break;
    case '\\': sb_puts(b, "\\\\"); break;
    case '\n': sb_puts(b, "\\n"); break;
    case '\t': sb_puts(b, "\\t"); break;
    default: sb_putc(b, *s);
    }
  }
  sb_putc(b, '"');
}

static void print_expr(StrBuf *b, const Expr *e) {
  switch (e->kind) {
  case EX_NUMBER:
    sb_puts(b, e->text);
    if (e->unit) sb_printf(b, " %s", e->unit);
    if (e->unit && e->unit_power && e->unit_power != 1) sb_printf(b, "^%d", e->unit_power);
    break;
  case EX_BOOL:
    sb_puts(b, e->num != 0 ? "true" : "false");
    break;
  case EX_STRING:
    print_string(b, e->text);
    break;
  case EX_NAME:
    sb_puts(b, e->text);
    break;
  case EX_MEMBER:
    print_expr(b, e->lhs);
    sb_printf(b, ".%s", e->text);
    break;
  case EX_INDEX:
    print_expr(b, e->lhs);
    sb_putc(b, '[');
    print_expr(b, e->rhs);
    if (e->is_slice) {
      sb_putc(b, ':');
      print_expr(b, e->hi);
    }
    sb_putc(b, ']');
    break;
  case EX_CALL:
    sb_printf(b, "%s(", e->text);
    print_args(b, e->args);
    sb_putc(b, ')');
    break;
  case EX_UNARY:
    sb_puts(b, e->op == OP_NOT ? "not " : op_text(e->op));
    print_expr(b, e->lhs);
    break;
  case EX_BINARY:
    print_expr(b, e->lhs);
    if (e->op == OP_POW)
      sb_puts(b, "^");
    else
      sb_printf(b, " %s ", op_text(e->op));
    print_expr(b, e->rhs);
    break;
  case EX_PAREN:
    sb_putc(b, '(');
    print_expr(b, e->lhs);
    sb_putc(b, ')');
    break;
  case EX_ARROW:
    print_expr(b, e->lhs);
    sb_puts(b, " -> ");
    print_expr(b, e->rhs);
    break;
  case EX_GROUP:
    sb_putc(b, '(');
    print_expr(b, e->lhs);
    sb_puts(b, ": ");
    print_args(b, e->args);
    sb_putc(b, ')');
    break;
  }
}

static void indent(Printer *p) {
  for (int i = 0; i < p->depth * INDENT; i++) sb_putc(p->out, ' ');
}

/* Prints the own-line comments that come before source line `line`. */
static void flush_comments_before(Printer *p, int line) {
  while (p->next_comment && p->next_comment->span.line < line) {
    Comment *c = p->next_comment;
    if (p->last_line > 0 && c->span.line > p->last_line + 1) sb_putc(p->out, '\n');
    indent(p);
    sb_printf(p->out, "%s\n", c->text);
    p->last_line = c->span.line;
    p->next_comment = c->next;
  }
}

/* Prints the comments that end lines first..last (after an item). */
static void flush_trailing(Printer *p, int last) {
  bool first = true;
  while (p->next_comment && p->next_comment->span.line <= last) {
    Comment *c = p->next_comment;
    if (first) {
      sb_printf(p->out, "  %s", c->text);
      first = false;
    } else {
      sb_putc(p->out, '\n');
      indent(p);
      sb_puts(p->out, c->text);
    }
    p->next_comment = c->next;
  }
}

static void print_body_inline(StrBuf *b, const Stmt *s) {
  sb_puts(b, "{ ");
  for (; s; s = s->next) {
    print_expr(b, s->target);
    sb_printf(b, " %s ", assign_op_text(s->op));
    print_expr(b, s->value);
    if (s->next) sb_puts(b, "; ");
  }
  sb_puts(b, " }");
}

/* A body stays on one line if it was on one line and is short. */
static bool body_inline(const Printer *p, const Stmt *body, Span block) {
  /* On a single line, a comment can only follow the code: it stays trailing. */
  if (!body || block.line != block.end_line) return !body;
  StrBuf tmp = {0};
  print_body_inline(&tmp, body);
  bool ok = tmp.len <= MAX_INLINE;
  sb_free(&tmp);
  return ok;
}

static void print_body(Printer *p, const Stmt *body, Span block) {
  if (body_inline(p, body, block)) {
    if (!body)
      sb_puts(p->out, "{ }");
    else
      print_body_inline(p->out, body);
    return;
  }
  sb_puts(p->out, "{\n");
  p->depth++;
  for (const Stmt *s = body; s; s = s->next) {
    flush_comments_before(p, s->span.line);
    indent(p);
    print_expr(p->out, s->target);
    sb_printf(p->out, " %s ", assign_op_text(s->op));
    print_expr(p->out, s->value);
    p->last_line = s->span.end_line;
    flush_trailing(p, s->span.end_line);
    sb_putc(p->out, '\n');
  }
  flush_comments_before(p, block.end_line);
  p->depth--;
  indent(p);
  sb_putc(p->out, '}');
}

/* The text of one member or item, without blocks of members. */
static void print_head(Printer *p, const Decl *d) {
  StrBuf *b = p->out;
  switch (d->kind) {
  case D_IMPORT: sb_puts(b, "import "); print_string(b, d->text); break;
  case D_PARAM: case D_CONST:
    sb_printf(b, "%s %s = ", d->kind == D_PARAM ? "param" : "const", d->name);
    print_expr(b, d->value);
    break;
  case D_EXTERN:
    sb_printf(b, "extern fn %s(", d->name);
    for (const Decl *a = d->members; a; a = a->next)
      sb_printf(b, "%s: %s%s", a->name, a->type_name, a->next ? ", " : "");
    sb_printf(b, ") -> %s from ", d->type_name);
    print_string(b, d->text);
    break;
  case D_OPTION:
    sb_printf(b, "%s ", d->name);
    if (d->type_name) sb_puts(b, d->type_name);
    else print_expr(b, d->value);
    break;
  case D_POPULATION:
    sb_printf(b, "population %s = %s[", d->name, d->type_name);
    print_expr(b, d->size);
    sb_putc(b, ']');
    break;
  case D_INPUT:
    sb_printf(b, "input %s = %s", d->name, d->type_name);
    if (d->size) {
      sb_putc(b, '[');
      print_expr(b, d->size);
      sb_putc(b, ']');
    }
    sb_putc(b, '(');
    print_args(b, d->args);
    sb_putc(b, ')');
    if (d->targets) {
      sb_puts(b, " -> ");
      print_expr(b, d->targets);
    }
    break;
  case D_CONNECT:
    sb_puts(b, "connect ");
    print_args(b, d->sources);
    sb_puts(b, " -> ");
    print_args(b, d->targets);
    sb_printf(b, " via %s", d->type_name);
    if (d->name) sb_printf(b, " as %s", d->name);
    break;
  case D_MONITOR:
    sb_printf(b, "monitor %s(", d->type_name);
    print_args(b, d->args);
    sb_putc(b, ')');
    break;
  case D_RUN: sb_puts(b, "run "); print_expr(b, d->value); break;
  case D_STATE:
    sb_printf(b, "state %s : ", d->name);
    print_expr(b, d->unit);
    if (d->lo) {
      sb_puts(b, " in [");
      print_expr(b, d->lo);
      sb_puts(b, ", ");
      print_expr(b, d->hi);
      sb_putc(b, ']');
    }
    if (d->value) {
      sb_puts(b, " = ");
      print_expr(b, d->value);
    }
    break;
  case D_ODE:
    sb_printf(b, "%s/%s = ", d->name, d->type_name);
    print_expr(b, d->value);
    if (d->flags & DF_UNLESS_REFRACTORY) sb_puts(b, " unless refractory");
    if (d->flags & DF_EVENT_DRIVEN) sb_puts(b, " event-driven");
    if (d->flags & DF_CLOCK_DRIVEN) sb_puts(b, " clock-driven");
    break;
  case D_ALIAS: sb_printf(b, "%s = ", d->name); print_expr(b, d->value); break;
  case D_PORT: sb_printf(b, "input %s : ", d->name); print_expr(b, d->unit); break;
  case D_SPIKE: sb_puts(b, "spike when "); print_expr(b, d->value); break;
  case D_RESET: sb_puts(b, "reset "); print_body(p, d->body, d->span); break;
  case D_REFRACTORY:
    sb_puts(b, "refractory ");
    print_expr(b, d->value);
    if (d->type_name) {
      sb_puts(b, ", input = ");
      sb_puts(b, d->type_name);
    }
    break;
  case D_METHOD:
    sb_printf(b, "method %s", d->type_name);
    if (d->args) {
      sb_putc(b, '(');
      print_args(b, d->args);
      sb_putc(b, ')');
    }
    break;
  case D_TRACE:
    sb_printf(b, "trace %s : %s = ", d->name, d->type_name);
    print_expr(b, d->value);
    break;
  case D_ON_PRE: sb_puts(b, "on_pre "); print_body(p, d->body, d->span); break;
  case D_ON_POST: sb_puts(b, "on_post "); print_body(p, d->body, d->span); break;
  case D_EVERY:
    sb_puts(b, "every ");
    print_expr(b, d->value);
    sb_putc(b, ' ');
    print_body(p, d->body, d->span);
    break;
  case D_WHERE: sb_puts(b, "where "); print_expr(b, d->value); break;
  case D_RULE: sb_puts(b, d->name); break;
  case D_FROM: sb_puts(b, "from "); print_string(b, d->text); break;
  case D_MODULATOR:
    sb_printf(b, "modulator %s", d->name);
    if (d->unit) {
      sb_puts(b, " : ");
      print_expr(b, d->unit);
    }
    break;
  case D_MOD_SOURCE: sb_printf(b, "from %s += ", d->name); print_expr(b, d->value); break;
  case D_REWARD:
    if (strcmp(d->type_name, "environment") == 0) {
      sb_puts(b, "reward ");
      print_expr(b, d->value);
      sb_printf(b, " -> %s", d->name);
      break;
    }
    sb_printf(b, "reward %s ", d->type_name);
    print_expr(b, d->value);
    if (d->window) {
      sb_puts(b, " within ");
      print_expr(b, d->window);
      sb_puts(b, " after ");
      print_expr(b, d->since);
    }
    sb_puts(b, ": ");
    print_expr(b, d->body->target);
    sb_printf(b, " %s ", assign_op_text(d->body->op));
    print_expr(b, d->body->value);
    if (d->body->delay) {
      sb_puts(b, " after ");
      print_expr(b, d->body->delay);
    }
    break;
  case D_ENVIRONMENT:
    sb_printf(b, "environment %s = ", d->name);
    if (d->text) {
      sb_puts(b, "extern ");
      print_string(b, d->text);
    } else {
      sb_puts(b, d->type_name);
    }
    sb_putc(b, '(');
    print_args(b, d->args);
    sb_putc(b, ')');
    break;
  case D_ENCODE: case D_DECODE:
    sb_puts(b, d->kind == D_ENCODE ? "encode " : "decode ");
    if (d->kind == D_ENCODE) print_expr(b, d->value);
    else sb_puts(b, d->name);
    sb_puts(b, " -> ");
    if (d->kind == D_ENCODE) sb_puts(b, d->name);
    else print_expr(b, d->value);
    sb_printf(b, " as %s", d->type_name);
    if (d->args) {
      sb_putc(b, '(');
      print_args(b, d->args);
      sb_putc(b, ')');
    }
    break;
  case D_TRAIN:
    sb_puts(b, "train ");
    print_expr(b, d->value);
    sb_puts(b, " episodes");
    if (d->window) {
      sb_puts(b, " until ");
      print_expr(b, d->window);
    }
    break;
  case D_AGENTS:
    sb_printf(b, "agents %s %s -> %s", d->text, d->name, d->type_name);
    break;
  case D_SETTING:
    sb_printf(b, "%s", d->name);
    if (d->value) {
      sb_puts(b, " every ");
      print_expr(b, d->value);
    } else if (d->flags & DF_SET) {
      sb_printf(b, " = %s in { ", d->type_name);
      print_args(b, d->args);
      sb_puts(b, " }");
    } else {
      sb_puts(b, " = ");
      print_args(b, d->args);
    }
    break;
  case D_NEURON: case D_SYNAPSE: case D_EXTERN_ARG:
    break;
  }
}

/* Members of a population or connect block on one line, { p = 0.02 }, if
   they were on one line and the line stays short. */
static bool members_inline(Printer *p, const Decl *d) {
  if (!d->members) return true;
  if (d->span.line != d->span.end_line) return false;
  for (const Decl *m = d->members; m; m = m->next)
    if (m->kind == D_RESET || m->kind == D_ON_PRE || m->kind == D_ON_POST || m->kind == D_EVERY)
      return false;
  StrBuf line = {0};
  StrBuf *saved = p->out;
  p->out = &line;
  for (int k = 0; k < p->depth * INDENT; k++) sb_putc(&line, ' ');
  print_head(p, d);
  sb_puts(&line, " { ");
  for (const Decl *m = d->members; m; m = m->next) {
    print_head(p, m);
    if (m->next) sb_puts(&line, "; ");
  }
  sb_puts(&line, " }");
  p->out = saved;
  bool fits = line.len <= MAX_INLINE;
  sb_free(&line);
  return fits;
}

static bool has_member_block(const Decl *d) {
  return d->kind == D_NEURON || d->kind == D_SYNAPSE ||
         ((d->kind == D_POPULATION || d->kind == D_CONNECT || d->kind == D_MODULATOR ||
           d->kind == D_AGENTS) && d->members);
}

static void print_decl(Printer *p, const Decl *d) {
  flush_comments_before(p, d->span.line);
  if (p->last_line > 0 && d->span.line > p->last_line + 1) sb_putc(p->out, '\n');
  indent(p);
  if (d->kind == D_NEURON || d->kind == D_SYNAPSE)
    sb_printf(p->out, "%s %s", d->kind == D_NEURON ? "neuron" : "synapse", d->name);
  else
    print_head(p, d);
  if (!has_member_block(d)) {
    p->last_line = d->span.end_line;
    flush_trailing(p, d->span.end_line);
    sb_putc(p->out, '\n');
    return;
  }
  bool is_model = d->kind == D_NEURON || d->kind == D_SYNAPSE;
  if (!is_model && members_inline(p, d)) {
    sb_puts(p->out, " { ");
    for (const Decl *m = d->members; m; m = m->next) {
      print_head(p, m);
      if (m->next) sb_puts(p->out, "; ");
    }
    sb_puts(p->out, " }");
    p->last_line = d->span.end_line;
    flush_trailing(p, d->span.end_line);
    sb_putc(p->out, '\n');
    return;
  }
  /* A block: the opening line may carry a comment of its own. */
  sb_puts(p->out, " {");
  bool member_on_open_line = d->members && d->members->span.line == d->span.line;
  flush_trailing(p, member_on_open_line ? 0 : d->span.line);
  sb_putc(p->out, '\n');
  p->last_line = d->span.line;
  int close_line = d->kind == D_NEURON || d->kind == D_SYNAPSE || d->kind == D_AGENTS
                       ? d->close_span.line : d->span.end_line;
  p->depth++;
  print_decls(p, d->members, close_line);
  p->depth--;
  indent(p);
  sb_putc(p->out, '}');
  p->last_line = d->span.end_line;
  flush_trailing(p, d->span.end_line);
  sb_putc(p->out, '\n');
}

/* A list of declarations, then the comments before the closing line. */
static void print_decls(Printer *p, const Decl *d, int close_line) {
  int first_line = p->last_line;
  for (; d; d = d->next) {
    /* No blank line right after an opening brace. */
    if (p->last_line == first_line && p->depth > 0 && d->span.line > p->last_line + 1)
      p->last_line = d->span.line - 1;
    print_decl(p, d);
  }
  if (close_line > 0) flush_comments_before(p, close_line);
}

void fmt_expr(const Expr *e, StrBuf *out) { print_expr(out, e); }

void fmt_module(const Module *m, StrBuf *out) {
  Printer p;
  memset(&p, 0, sizeof p);
  p.out = out;
  p.next_comment = m->comments;
  print_decls(&p, m->items, 0);
  flush_comments_before(&p, 1 << 30);
}

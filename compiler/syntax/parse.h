/*
** parse.h: reading a .snn file into a Module (the scanner and parser).
**
** The scanner (grammar/snn.l) and parser (grammar/snn.y) are a reentrant
** flex/bison pair that share one ParseCtx: the scanner records comments and
** open brackets in it, the parser builds the tree in its arena and reports
** syntax errors through its Diags.
*/
#ifndef SNN_PARSE_H
#define SNN_PARSE_H

#include "ast.h"

enum { PARSE_MAX_NESTING = 64 };

/* An open bracket, remembered so that an error can point back at it. */
typedef struct OpenBracket {
  char ch;
  Span span;
} OpenBracket;

/* State shared by the scanner and the parser of one file. */
typedef struct ParseCtx {
  Arena *arena;
  Diags *diags;
  SrcFile *file;
  Module *module;
  void *scanner;               /* yyscan_t */
  /* scanner state */
  int line, col;               /* position of the next character */
  int last_token;              /* the previous token returned, 0 at start */
  int prev_tokens[3];          /* the three before that, newest first */
  Span last_span;
  int paren_depth;             /* open ( and [ : newlines inside are blanks */
  OpenBracket brackets[PARSE_MAX_NESTING];
  int nbrackets;               /* may exceed PARSE_MAX_NESTING; extras not kept */
  bool eof_newline_sent;
  Comment *comments_tail;
  bool line_has_token;         /* a token was seen on the current line */
  bool forget_parens;          /* drop open ( and [ at the next token */
  int lex_error_line;          /* line of the last character error, 0 if none */
  bool expression_mode;        /* parse one expression, not a file */
  int brace_depth;             /* blocks open */
  bool close_pending;          /* a '}' was returned: pop its brackets at the next token */
  /* error recovery: after a syntax error, line ends inside blocks opened
     from the error on are not passed to the parser, so that it skips a
     broken declaration's whole block instead of reporting its contents */
  bool recovering;
  int recover_depth;           /* brace_depth at the error */
  int brace_hint_line;         /* a '{' on this line was already explained */
  const char *bad_string;      /* the last string with a bad escape */
  bool start_sent;
  /* parser state */
  int syntax_errors;
  bool reported_depth;         /* "expression too long" said once */
  Expr *expr;                  /* the result in expression mode */
} ParseCtx;

/* Parses one file already registered in diags; never NULL. */
Module *parse_file(Arena *arena, Diags *diags, SrcFile *file);
/* Parses the text of a one-line file from byte `offset` on as one
   expression (columns count from the start of the line); NULL after a
   syntax error. */
Expr *parse_expression(Arena *arena, Diags *diags, SrcFile *file, size_t offset);

#endif

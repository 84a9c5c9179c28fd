/*
** ast.h: the syntax tree of a .snn model.
**
** Three node types, one per concept:
**   Expr  an expression (numbers with units, names, calls, operators);
**   Stmt  an assignment inside a block (reset, on_pre, on_post, every);
**   Decl  a declaration: a top-level item (param, neuron, connect, run, ...)
**         or a member of a block (state, dv/dt, spike when, p = 0.02, ...).
** Lists are singly linked through `next`.  Every node carries the span of
** the text it came from, so later stages can point at it.  Nodes live in the
** compilation's Arena.  Fields below the "checker" markers are filled in by
** the name and unit checker; the parser leaves them zero.
*/
#ifndef SNN_AST_H
#define SNN_AST_H

#include "diag.h"
#include "units.h"
#include "util.h"

typedef struct Symbol Symbol;

typedef enum ExprKind {
  EX_NUMBER, /* num (value as written), text, unit (NULL or unit name) */
  EX_BOOL,   /* num is 0 or 1 */
  EX_STRING, /* text, without quotes, escapes resolved */
  EX_NAME,   /* text */
  EX_MEMBER, /* lhs.text: pre.v, post.ge, E.v */
  EX_INDEX,  /* lhs[rhs] or lhs[rhs:hi] (is_slice) */
  EX_CALL,   /* text(args): args may carry arg_name (rate = 15 Hz) */
  EX_UNARY,  /* op lhs */
  EX_BINARY, /* lhs op rhs */
  EX_PAREN,  /* (lhs): kept so that fmt reproduces the author's grouping */
  EX_ARROW,  /* lhs -> rhs: a projection named by its two ends */
  EX_GROUP,  /* (lhs: args): one neuron's spike times in spike_times[] */
} ExprKind;

typedef enum Op {
  OP_NONE,
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_POW,
  OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
  OP_AND, OP_OR,
  OP_NEG, OP_PLUS, OP_NOT,
} Op;

/* The type of an expression's value, as found by the checker. */
typedef enum ValueType {
  TY_UNKNOWN, /* not checked yet, or an error was reported */
  TY_NUMBER,  /* a real quantity with a dimension */
  TY_BOOL,
  TY_STRING,
} ValueType;

typedef struct Expr Expr;
struct Expr {
  ExprKind kind;
  Op op;
  Span span;
  double num;          /* EX_NUMBER, EX_BOOL */
  const char *text;    /* literal text, name, member or callee */
  const char *unit;    /* EX_NUMBER: unit name written after it, or NULL */
  int unit_power;      /* EX_NUMBER: the unit's exponent (4 mV^2: 2) */
  Span unit_span;
  Span name_span;      /* EX_MEMBER, EX_CALL: the span of `text` */
  Expr *lhs, *rhs, *hi;
  bool is_slice;       /* EX_INDEX */
  Expr *args;          /* EX_CALL, EX_GROUP */
  const char *arg_name; /* an argument written `name = value` */
  Span arg_name_span;
  Expr *next;
  int depth;           /* levels of the tree from here down (a leaf: 1) */
  /* checker */
  ValueType type;
  Dim dim;
  Symbol *sym;         /* EX_NAME, EX_MEMBER, EX_CALL: what it denotes */
  bool is_const;       /* value known at compile time (in cval, SI units) */
  double cval;
};

typedef enum AssignOp { AS_SET, AS_ADD, AS_SUB, AS_MUL, AS_DIV } AssignOp;

typedef struct Stmt Stmt;
struct Stmt {
  Span span;
  AssignOp op;
  Expr *target; /* EX_NAME or EX_MEMBER */
  Expr *value;
  Expr *delay;  /* a reward's effect: `after DELAY`, or NULL */
  Stmt *next;
};

typedef enum DeclKind {
  /* top level */
  D_IMPORT,     /* import "path": text */
  D_PARAM,      /* param name = value (also inside neuron and synapse) */
  D_CONST,      /* const name = value (also inside blocks) */
  D_EXTERN,     /* extern fn name(members: D_EXTERN_ARG) -> type_name from text */
  D_EXTERN_ARG, /* name: type_name */
  D_OPTION,     /* precision single | timestep 0.1 ms | seed 42: name, type_name/value */
  D_NEURON,     /* neuron name { members } */
  D_SYNAPSE,    /* synapse name { members } */
  D_POPULATION, /* population name = type_name[size] { members: D_ALIAS } */
  D_INPUT,      /* input name = type_name[size](args) [-> target] */
  D_CONNECT,    /* connect sources -> targets via type_name { members } */
  D_MONITOR,    /* monitor type_name(args) */
  D_RUN,        /* run value */
  /* block members */
  D_STATE,      /* state name : unit [in [lo, hi]] [= value] */
  D_ODE,        /* dname/dt = value [unless refractory | event-driven | clock-driven] */
  D_ALIAS,      /* name = value: a definition, a setting or an override */
  D_PORT,       /* input name : unit */
  D_SPIKE,      /* spike when value */
  D_RESET,      /* reset { body } */
  D_REFRACTORY, /* refractory value [, input = type_name]: a duration or a condition;
                   type_name "keep" or "discard" (NULL: discard) */
  D_METHOD,     /* method type_name */
  D_TRACE,      /* trace name : type_name = value (the time constant) */
  D_ON_PRE,     /* on_pre { body } */
  D_ON_POST,    /* on_post { body } */
  D_EVERY,      /* every value { body } */
  D_WHERE,      /* where value */
  D_RULE,       /* a bare connection rule: all, one_to_one (name) */
  D_FROM,       /* from "file.csv" (text) */
  D_MODULATOR,  /* modulator name [: unit] { members: tau = ..., baseline = ..., from P += x } */
  D_MOD_SOURCE, /* from P += amount: each spike of population P (name) adds amount */
  D_REWARD,     /* reward when COND [within W after COND2]: body | reward every T: body
                   | reward EXPR -> name (type_name "environment": an environment's reward) */
  D_ENVIRONMENT, /* environment name = type_name(args) | environment name = extern text(args) */
  D_ENCODE,     /* encode value -> name as type_name(args): an observation into a population */
  D_DECODE,     /* decode name -> value as type_name(args): a population into the action */
  D_TRAIN,      /* train value episodes [until window] */
  D_AGENTS,     /* agents text name -> type_name { members }: text is "on" */
  D_SETTING,    /* in an agents block: name = args (a list) | name = type_name in { args }
                   (DF_SET) | name every value */
} DeclKind;

enum DeclFlags {
  DF_UNLESS_REFRACTORY = 1,
  DF_EVENT_DRIVEN = 2,
  DF_CLOCK_DRIVEN = 4,
  DF_SET = 8,           /* D_SETTING: name = type_name in { args } */
};

typedef struct Decl Decl;
struct Decl {
  DeclKind kind;
  Span span;           /* the whole declaration */
  const char *name;
  Span name_span;
  const char *type_name; /* neuron type, synapse type, input or monitor kind, method, ... */
  Span type_span;
  const char *text;    /* import path, extern library, from file */
  Span text_span;
  Expr *value;
  Expr *unit;          /* D_STATE, D_PORT: the unit expression */
  Expr *lo, *hi;       /* D_STATE bounds */
  Expr *size;          /* D_POPULATION, D_INPUT */
  Expr *args;          /* D_INPUT, D_MONITOR */
  Expr *sources, *targets; /* D_CONNECT: lists of EX_NAME; D_INPUT target */
  Stmt *body;          /* D_RESET, D_ON_PRE, D_ON_POST, D_EVERY; D_REWARD: its one effect */
  Expr *window, *since; /* D_REWARD: `within window after since`, or NULL; D_TRAIN: until */
  Decl *members;       /* D_NEURON, D_SYNAPSE, D_POPULATION, D_CONNECT, D_EXTERN */
  int flags;
  Span close_span;     /* the closing brace of a block, for notes */
  Decl *next;
  /* checker */
  Symbol *sym;
  struct Module *module; /* the module the declaration was read from */
};

/* A comment, kept for the formatter. */
typedef struct Comment {
  Span span;
  const char *text;    /* from '#' to the end of the line */
  bool own_line;       /* nothing but blanks before it on its line */
  struct Comment *next;
} Comment;

/* One parsed file. */
typedef struct Module {
  SrcFile *file;
  Decl *items;
  Comment *comments;
  int syntax_errors;
  bool instances;       /* may create populations and run (the main file and
                           declarations typed at the REPL prompt) */
  struct Module *next;  /* the list of all modules of a compilation */
} Module;

/* Allocators used by the parser. */
Expr *expr_new(Arena *a, ExprKind kind, Span span);
Stmt *stmt_new(Arena *a, Span span);
Decl *decl_new(Arena *a, DeclKind kind, Span span);

/* Appends b to list a (either may be NULL); returns the head. */
Expr *expr_append(Expr *a, Expr *b);
/* Sets e->depth from its operands' depths (they are set already). */
void expr_set_depth(Expr *e);
/* Appends b to list a (either may be NULL); returns the head. */
Decl *decl_append(Decl *a, Decl *b);
/* Appends b to list a (either may be NULL); returns the head. */
Stmt *stmt_append(Stmt *a, Stmt *b);
/* A deep copy of an expression (its operands and arguments, not its
   `next`), with the checker's fields cleared. */
Expr *expr_clone(Arena *a, const Expr *e);
/* A deep copy of a list of statements, checker's fields cleared. */
Stmt *stmt_list_clone(Arena *a, const Stmt *list);
/* A copy of one declaration with its value and body copied deeply (its
   other members are shared); checker's fields cleared. */
Decl *decl_clone(Arena *a, const Decl *d);
/* Number of elements of an expression list. */
int expr_count(const Expr *e);

/* The operator as written in source ("+", "and", ...). */
const char *op_text(Op op);
/* The assignment operator as written ("=", "+=", ...). */
const char *assign_op_text(AssignOp op);
/* A short name of a declaration kind ("state variable", "parameter", ...). */
const char *decl_kind_name(DeclKind kind);
/* Skips EX_PAREN wrappers. */
Expr *expr_strip(Expr *e);

#endif

/*
** snn.y: the grammar of the .snn model language (pure, reentrant bison).
**
** A file is a list of items separated by newlines or ';'.  Blocks ({ ... })
** hold members, and the bodies of reset/on_pre/on_post/every hold
** assignments.  The member grammar is shared by every kind of block; which
** members a neuron, a synapse, a population override or a connection may
** contain is decided by the checker, which can say so in words ("'spike
** when' belongs in a neuron, not in a synapse") instead of as a parse error.
**
** Error recovery: an `error` alternative in every list skips to the next
** separator, so one mistake costs one statement and the rest of the file is
** still checked.  Messages list what was expected in words a modeller
** knows (see report_syntax_error).  The tree is built in the compilation's
** arena, so subtrees dropped during recovery are reclaimed with it and no
** %destructor is needed.
*/
%code top {
#include <ctype.h>
#include <stdio.h>
#include <string.h>
}

%code requires {
#include "ast.h"
#include "parse.h"
#include "units.h"

typedef struct NumLit {
  double value;
  const char *text;
} NumLit;

typedef struct ExprList {
  Expr *head, *tail;
} ExprList;

typedef struct DeclList {
  Decl *head, *tail;
} DeclList;

typedef struct StmtList {
  Stmt *head, *tail;
} StmtList;

#define YYLTYPE Span
#define YYLTYPE_IS_DECLARED 1
#define YYLTYPE_IS_TRIVIAL 1

/* A rule's span runs from its first symbol to its last; empty rules sit
   at the end of the symbol before them. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                          \
  do {                                                                       \
    if (N) {                                                                 \
      (Cur).file = YYRHSLOC(Rhs, 1).file;                                    \
      (Cur).line = YYRHSLOC(Rhs, 1).line;                                    \
      (Cur).col = YYRHSLOC(Rhs, 1).col;                                      \
      (Cur).end_line = YYRHSLOC(Rhs, N).end_line;                            \
      (Cur).end_col = YYRHSLOC(Rhs, N).end_col;                              \
    } else {                                                                 \
      (Cur).file = YYRHSLOC(Rhs, 0).file;                                    \
      (Cur).line = (Cur).end_line = YYRHSLOC(Rhs, 0).end_line;               \
      (Cur).col = (Cur).end_col = YYRHSLOC(Rhs, 0).end_col;                  \
    }                                                                        \
  } while (0)
}

%code provides {
int snn_yylex(YYSTYPE *lval, YYLTYPE *lloc, void *scanner);
}

%code {
#define yylex snn_yylex
/* Deeply nested input is an error, not a reason to exhaust the C stack of
   the recursive stages after the parser. */
#define YYMAXDEPTH 2000
static Expr *binary(ParseCtx *ps, Op op, Expr *l, Expr *r, Span s);
static Expr *unary(ParseCtx *ps, Op op, Expr *e, Span s);
static Decl *decl(ParseCtx *ps, DeclKind k, Span s);
static int unit_exponent(ParseCtx *ps, double v, bool negative, Span s);
static void expr_list_add(ExprList *l, Expr *e);
static void decl_list_add(DeclList *l, Decl *d);
static void stmt_list_add(StmtList *l, Stmt *s);
static void yyerror(Span *loc, void *scanner, ParseCtx *ps, const char *msg);
}

%define api.pure full
%define api.location.type {Span}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {void *scanner}
%parse-param {ParseCtx *ps}

%union {
  NumLit lit;
  const char *str;
  Expr *expr;
  Stmt *stmt;
  Decl *decl;
  ExprList elist;
  DeclList dlist;
  StmtList slist;
  int ival;
}

%token END 0 "end of file"
%token START_EXPR "the start of an expression"
%token NEWLINE "end of line"
%token <lit> NUMBER "a number"
%token <str> IDENT "a name"
%token <str> STRING "a string"
%token IMPORT "'import'" PARAM "'param'" CONST "'const'" EXTERN "'extern'"
%token FN "'fn'" FROM "'from'" NEURON "'neuron'" SYNAPSE "'synapse'"
%token POPULATION "'population'" INPUT "'input'" CONNECT "'connect'"
%token VIA "'via'" MONITOR "'monitor'" RUN "'run'" STATE "'state'"
%token SPIKE "'spike'" WHEN "'when'" RESET "'reset'"
%token REFRACTORY "'refractory'" UNLESS "'unless'" METHOD "'method'"
%token TRACE "'trace'" ON_PRE "'on_pre'" ON_POST "'on_post'" EVERY "'every'"
%token WHERE "'where'" IN "'in'" TRUE "'true'" FALSE "'false'"
%token AND "'and'" OR "'or'" NOT "'not'"
%token PRECISION "'precision'" TIMESTEP "'timestep'" SEED "'seed'"
%token EVENT_DRIVEN "'event-driven'" CLOCK_DRIVEN "'clock-driven'"
%token MODULATOR "'modulator'" REWARD "'reward'" WITHIN "'within'" AFTER "'after'"
%token AS "'as'"
%token ENVIRONMENT "'environment'" ENCODE "'encode'" DECODE "'decode'" TRAIN "'train'"
%token EPISODES "'episodes'" UNTIL "'until'" AGENTS "'agents'"
%token ARROW "'->'" LE "'<='" GE "'>='" EQ "'=='" NE "'!='"
%token ADD_ASSIGN "'+='" SUB_ASSIGN "'-='" MUL_ASSIGN "'*='" DIV_ASSIGN "'/='"

%left OR
%left AND
%precedence NOT
%nonassoc '<' '>' LE GE EQ NE
%left '+' '-'
%left '*' '/' '%'
%precedence UMINUS
%precedence UNIT_LITERAL
%right '^'

%type <expr> expr postfix primary arg opt_size opt_input_target opt_init
%type <elist> args opt_args names opt_call_args
%type <decl> item member extern_arg block_members_decl
%type <dlist> items members extern_args opt_extern_args
%type <dlist> neuron_block opt_block
%type <stmt> stmt reward_effect
%type <slist> stmts body
%type <ival> assign_op ode_flags unit_exponent
%type <str> soft_name soft_keyword

%%

file
  : items                     { ps->module->items = $1.head; }
  | START_EXPR expr seps      { ps->expr = $2; }
  ;

seps
  : %empty
  | seps sep
  ;

items
  : %empty                    { $$.head = $$.tail = NULL; }
  | items sep                 { $$ = $1; }
  | items item sep            { $$ = $1; decl_list_add(&$$, $2); }
  | items error sep           { $$ = $1; yyerrok; }
  ;

sep
  : NEWLINE
  | ';'
  ;

item
  : IMPORT STRING
      {
        /* A path with a bad escape was reported; looking for it would only
           add "cannot find" to that. */
        if ($2 == ps->bad_string) $$ = NULL;
        else { $$ = decl(ps, D_IMPORT, @$); $$->text = $2; $$->text_span = @2; }
      }
  | PARAM IDENT '=' expr
      { $$ = decl(ps, D_PARAM, @$); $$->name = $2; $$->name_span = @2; $$->value = $4; }
  | CONST IDENT '=' expr
      { $$ = decl(ps, D_CONST, @$); $$->name = $2; $$->name_span = @2; $$->value = $4; }
  | EXTERN FN IDENT '(' opt_extern_args ')' ARROW IDENT FROM STRING
      {
        $$ = decl(ps, D_EXTERN, @$); $$->name = $3; $$->name_span = @3;
        $$->members = $5.head; $$->type_name = $8; $$->type_span = @8;
        $$->text = $10; $$->text_span = @10;
      }
  | PRECISION IDENT
      { $$ = decl(ps, D_OPTION, @$); $$->name = "precision"; $$->name_span = @1;
        $$->type_name = $2; $$->type_span = @2; }
  | TIMESTEP expr
      { $$ = decl(ps, D_OPTION, @$); $$->name = "timestep"; $$->name_span = @1; $$->value = $2; }
  | SEED expr
      { $$ = decl(ps, D_OPTION, @$); $$->name = "seed"; $$->name_span = @1; $$->value = $2; }
  | NEURON IDENT neuron_block
      { $$ = decl(ps, D_NEURON, @$); $$->name = $2; $$->name_span = @2; $$->members = $3.head;
        $$->close_span = @3; }
  | SYNAPSE IDENT neuron_block
      { $$ = decl(ps, D_SYNAPSE, @$); $$->name = $2; $$->name_span = @2; $$->members = $3.head;
        $$->close_span = @3; }
  | POPULATION IDENT '=' IDENT '[' expr ']' opt_block
      {
        $$ = decl(ps, D_POPULATION, @$); $$->name = $2; $$->name_span = @2;
        $$->type_name = $4; $$->type_span = @4; $$->size = $6; $$->members = $8.head;
      }
  | INPUT IDENT '=' IDENT opt_size '(' opt_args ')' opt_input_target
      {
        $$ = decl(ps, D_INPUT, @$); $$->name = $2; $$->name_span = @2;
        $$->type_name = $4; $$->type_span = @4; $$->size = $5; $$->args = $7.head;
        $$->targets = $9;
      }
  | CONNECT names ARROW names VIA IDENT opt_block
      {
        $$ = decl(ps, D_CONNECT, @$); $$->sources = $2.head; $$->targets = $4.head;
        $$->type_name = $6; $$->type_span = @6; $$->members = $7.head;
      }
  | CONNECT names ARROW names VIA IDENT AS IDENT opt_block
      {
        $$ = decl(ps, D_CONNECT, @$); $$->sources = $2.head; $$->targets = $4.head;
        $$->type_name = $6; $$->type_span = @6; $$->name = $8; $$->name_span = @8;
        $$->members = $9.head;
      }
  | MONITOR soft_name '(' opt_args ')'
      { $$ = decl(ps, D_MONITOR, @$); $$->type_name = $2; $$->type_span = @2; $$->args = $4.head; }
  | RUN expr
      { $$ = decl(ps, D_RUN, @$); $$->value = $2; }
  | MODULATOR IDENT opt_block
      { $$ = decl(ps, D_MODULATOR, @$); $$->name = $2; $$->name_span = @2; $$->members = $3.head; }
  | MODULATOR IDENT ':' expr opt_block
      { $$ = decl(ps, D_MODULATOR, @$); $$->name = $2; $$->name_span = @2; $$->unit = $4;
        $$->members = $5.head; }
  | REWARD WHEN expr ':' reward_effect
      { $$ = decl(ps, D_REWARD, @$); $$->type_name = "when"; $$->value = $3; $$->body = $5; }
  | REWARD WHEN expr WITHIN expr AFTER expr ':' reward_effect
      {
        $$ = decl(ps, D_REWARD, @$); $$->type_name = "when"; $$->value = $3;
        $$->window = $5; $$->since = $7; $$->body = $9;
      }
  | REWARD EVERY expr ':' reward_effect
      { $$ = decl(ps, D_REWARD, @$); $$->type_name = "every"; $$->value = $3; $$->body = $5; }
  | REWARD expr ARROW IDENT
      { $$ = decl(ps, D_REWARD, @$); $$->type_name = "environment"; $$->value = $2;
        $$->name = $4; $$->name_span = @4; }
  | ENVIRONMENT IDENT '=' IDENT '(' opt_args ')'
      { $$ = decl(ps, D_ENVIRONMENT, @$); $$->name = $2; $$->name_span = @2;
        $$->type_name = $4; $$->type_span = @4; $$->args = $6.head; }
  | ENVIRONMENT IDENT '=' EXTERN STRING '(' opt_args ')'
      { $$ = decl(ps, D_ENVIRONMENT, @$); $$->name = $2; $$->name_span = @2;
        $$->text = $5; $$->text_span = @5; $$->args = $7.head; }
  | ENCODE expr ARROW IDENT AS IDENT opt_call_args
      { $$ = decl(ps, D_ENCODE, @$); $$->value = $2; $$->name = $4; $$->name_span = @4;
        $$->type_name = $6; $$->type_span = @6; $$->args = $7.head; }
  | DECODE IDENT ARROW expr AS IDENT opt_call_args
      { $$ = decl(ps, D_DECODE, @$); $$->name = $2; $$->name_span = @2; $$->value = $4;
        $$->type_name = $6; $$->type_span = @6; $$->args = $7.head; }
  | TRAIN expr EPISODES
      { $$ = decl(ps, D_TRAIN, @$); $$->value = $2; }
  | TRAIN expr EPISODES UNTIL expr
      { $$ = decl(ps, D_TRAIN, @$); $$->value = $2; $$->window = $5; }
  | AGENTS IDENT IDENT ARROW IDENT neuron_block
      { $$ = decl(ps, D_AGENTS, @$); $$->text = $2; $$->text_span = @2;
        $$->name = $3; $$->name_span = @3; $$->type_name = $5; $$->type_span = @5;
        $$->members = $6.head; $$->close_span = @6; }
  ;

/* An encoder's or decoder's settings: `as spike_count` or `as spike_count(window = 20 ms)`. */
opt_call_args
  : %empty                    { $$.head = $$.tail = NULL; }
  | '(' opt_args ')'          { $$ = $2; }
  ;

/* What a reward does: `dopamine += 0.5`, at once or `after` a delay. */
reward_effect
  : stmt                      { $$ = $1; }
  | stmt AFTER expr           { $$ = $1; $$->delay = $3; }
  ;

opt_extern_args
  : %empty                    { $$.head = $$.tail = NULL; }
  | extern_args               { $$ = $1; }
  ;

extern_args
  : extern_arg                { $$.head = $$.tail = NULL; decl_list_add(&$$, $1); }
  | extern_args ',' extern_arg { $$ = $1; decl_list_add(&$$, $3); }
  ;

extern_arg
  : IDENT ':' IDENT
      { $$ = decl(ps, D_EXTERN_ARG, @$); $$->name = $1; $$->name_span = @1;
        $$->type_name = $3; $$->type_span = @3; }
  ;

opt_size
  : %empty                    { $$ = NULL; }
  | '[' expr ']'              { $$ = $2; }
  ;

opt_input_target
  : %empty                    { $$ = NULL; }
  | ARROW postfix             { $$ = $2; }
  ;

names
  : IDENT
      { $$.head = $$.tail = NULL;
        Expr *e = expr_new(ps->arena, EX_NAME, @1); e->text = $1; expr_list_add(&$$, e); }
  | names ',' IDENT
      { $$ = $1; Expr *e = expr_new(ps->arena, EX_NAME, @3); e->text = $3; expr_list_add(&$$, e); }
  ;

opt_block
  : %empty                    { $$.head = $$.tail = NULL; }
  | neuron_block              { $$ = $1; }
  ;

/* The location of a block is that of its closing brace (for notes). */
neuron_block
  : '{' members '}'                     { $$ = $2; @$ = @3; }
  | '{' members block_members_decl '}'  { $$ = $2; decl_list_add(&$$, $3); @$ = @4; }
  | '{' members error '}'               { $$ = $2; @$ = @4; yyerrok; }
  ;

block_members_decl
  : member                    { $$ = $1; }
  ;

members
  : %empty                    { $$.head = $$.tail = NULL; }
  | members sep               { $$ = $1; }
  | members member sep        { $$ = $1; decl_list_add(&$$, $2); }
  | members error sep         { $$ = $1; yyerrok; }
  ;

member
  : PARAM IDENT '=' expr
      { $$ = decl(ps, D_PARAM, @$); $$->name = $2; $$->name_span = @2; $$->value = $4; }
  | CONST IDENT '=' expr
      { $$ = decl(ps, D_CONST, @$); $$->name = $2; $$->name_span = @2; $$->value = $4; }
  | STATE IDENT ':' expr opt_init
      { $$ = decl(ps, D_STATE, @$); $$->name = $2; $$->name_span = @2; $$->unit = $4; $$->value = $5; }
  | STATE IDENT ':' expr IN '[' expr ',' expr ']' opt_init
      {
        $$ = decl(ps, D_STATE, @$); $$->name = $2; $$->name_span = @2; $$->unit = $4;
        $$->lo = $7; $$->hi = $9; $$->value = $11;
      }
  | IDENT '/' IDENT '=' expr ode_flags
      {
        $$ = decl(ps, D_ODE, @$); $$->value = $5; $$->flags = $6;
        /* The left side reads d<name>/dt; anything else is reported by the checker. */
        $$->name = $1; $$->name_span = @1; $$->type_name = $3; $$->type_span = @3;
      }
  | IDENT '=' expr
      { $$ = decl(ps, D_ALIAS, @$); $$->name = $1; $$->name_span = @1; $$->value = $3; }
  | INPUT IDENT ':' expr
      { $$ = decl(ps, D_PORT, @$); $$->name = $2; $$->name_span = @2; $$->unit = $4; }
  | SPIKE WHEN expr
      { $$ = decl(ps, D_SPIKE, @$); $$->value = $3; }
  | RESET body
      { $$ = decl(ps, D_RESET, @$); $$->body = $2.head; }
  | REFRACTORY expr
      { $$ = decl(ps, D_REFRACTORY, @$); $$->value = $2; }
  | REFRACTORY expr ',' INPUT '=' IDENT
      {
        $$ = decl(ps, D_REFRACTORY, @$); $$->value = $2;
        $$->type_name = $6; $$->type_span = @6;
      }
  | METHOD IDENT
      { $$ = decl(ps, D_METHOD, @$); $$->type_name = $2; $$->type_span = @2; }
  | METHOD IDENT '(' opt_args ')'
      { $$ = decl(ps, D_METHOD, @$); $$->type_name = $2; $$->type_span = @2; $$->args = $4.head; }
  | TRACE IDENT ':' IDENT '=' expr
      {
        $$ = decl(ps, D_TRACE, @$); $$->name = $2; $$->name_span = @2;
        $$->type_name = $4; $$->type_span = @4; $$->value = $6;
      }
  | ON_PRE body
      { $$ = decl(ps, D_ON_PRE, @$); $$->body = $2.head; }
  | ON_POST body
      { $$ = decl(ps, D_ON_POST, @$); $$->body = $2.head; }
  | EVERY expr body
      { $$ = decl(ps, D_EVERY, @$); $$->value = $2; $$->body = $3.head; }
  | WHERE expr
      { $$ = decl(ps, D_WHERE, @$); $$->value = $2; }
  | IDENT
      { $$ = decl(ps, D_RULE, @$); $$->name = $1; $$->name_span = @1; }
  | FROM STRING
      { $$ = decl(ps, D_FROM, @$); $$->text = $2; $$->text_span = @2; }
  | FROM IDENT ADD_ASSIGN expr
      { $$ = decl(ps, D_MOD_SOURCE, @$); $$->name = $2; $$->name_span = @2; $$->value = $4; }
  /* The settings of an agents block: a list, a set of values, a period. */
  | IDENT '=' expr ',' args
      { $$ = decl(ps, D_SETTING, @$); $$->name = $1; $$->name_span = @1;
        $3->next = $5.head; $$->args = $3; }
  | IDENT '=' IDENT IN '{' args '}'
      { $$ = decl(ps, D_SETTING, @$); $$->name = $1; $$->name_span = @1;
        $$->type_name = $3; $$->type_span = @3; $$->args = $6.head; $$->flags = DF_SET; }
  | IDENT EVERY expr
      { $$ = decl(ps, D_SETTING, @$); $$->name = $1; $$->name_span = @1; $$->value = $3; }
  | REWARD '=' expr
      { $$ = decl(ps, D_ALIAS, @$); $$->name = "reward"; $$->name_span = @1; $$->value = $3; }
  ;

opt_init
  : %empty                    { $$ = NULL; }
  | '=' expr                  { $$ = $2; }
  ;

ode_flags
  : %empty                    { $$ = 0; }
  | UNLESS REFRACTORY         { $$ = DF_UNLESS_REFRACTORY; }
  | EVENT_DRIVEN              { $$ = DF_EVENT_DRIVEN; }
  | CLOCK_DRIVEN              { $$ = DF_CLOCK_DRIVEN; }
  ;

body
  : '{' stmts '}'             { $$ = $2; }
  | '{' stmts stmt '}'        { $$ = $2; stmt_list_add(&$$, $3); }
  | '{' stmts error '}'       { $$ = $2; yyerrok; }
  ;

stmts
  : %empty                    { $$.head = $$.tail = NULL; }
  | stmts sep                 { $$ = $1; }
  | stmts stmt sep            { $$ = $1; stmt_list_add(&$$, $2); }
  | stmts error sep           { $$ = $1; yyerrok; }
  ;

stmt
  : postfix assign_op expr
      { $$ = stmt_new(ps->arena, @$); $$->target = $1; $$->op = (AssignOp)$2; $$->value = $3; }
  ;

assign_op
  : '='                       { $$ = AS_SET; }
  | ADD_ASSIGN                { $$ = AS_ADD; }
  | SUB_ASSIGN                { $$ = AS_SUB; }
  | MUL_ASSIGN                { $$ = AS_MUL; }
  | DIV_ASSIGN                { $$ = AS_DIV; }
  ;

expr
  : expr OR expr              { $$ = binary(ps, OP_OR, $1, $3, @$); }
  | expr AND expr             { $$ = binary(ps, OP_AND, $1, $3, @$); }
  | NOT expr                  { $$ = unary(ps, OP_NOT, $2, @$); }
  | expr '<' expr             { $$ = binary(ps, OP_LT, $1, $3, @$); }
  | expr '>' expr             { $$ = binary(ps, OP_GT, $1, $3, @$); }
  | expr LE expr              { $$ = binary(ps, OP_LE, $1, $3, @$); }
  | expr GE expr              { $$ = binary(ps, OP_GE, $1, $3, @$); }
  | expr EQ expr              { $$ = binary(ps, OP_EQ, $1, $3, @$); }
  | expr NE expr              { $$ = binary(ps, OP_NE, $1, $3, @$); }
  | expr '+' expr             { $$ = binary(ps, OP_ADD, $1, $3, @$); }
  | expr '-' expr             { $$ = binary(ps, OP_SUB, $1, $3, @$); }
  | expr '*' expr             { $$ = binary(ps, OP_MUL, $1, $3, @$); }
  | expr '/' expr             { $$ = binary(ps, OP_DIV, $1, $3, @$); }
  | expr '%' expr             { $$ = binary(ps, OP_MOD, $1, $3, @$); }
  | expr '^' expr             { $$ = binary(ps, OP_POW, $1, $3, @$); }
  | '-' expr %prec UMINUS     { $$ = unary(ps, OP_NEG, $2, @$); }
  | '+' expr %prec UMINUS     { $$ = unary(ps, OP_PLUS, $2, @$); }
  | postfix                   { $$ = $1; }
  ;

postfix
  : primary                   { $$ = $1; }
  | postfix '.' IDENT
      { $$ = expr_new(ps->arena, EX_MEMBER, @$); $$->lhs = $1; $$->text = $3; $$->name_span = @3;
        expr_set_depth($$); }
  | postfix '.' REWARD
      { $$ = expr_new(ps->arena, EX_MEMBER, @$); $$->lhs = $1; $$->text = "reward"; $$->name_span = @3;
        expr_set_depth($$); }
  | postfix '[' expr ']'
      { $$ = expr_new(ps->arena, EX_INDEX, @$); $$->lhs = $1; $$->rhs = $3; expr_set_depth($$); }
  | postfix '[' expr ':' expr ']'
      { $$ = expr_new(ps->arena, EX_INDEX, @$); $$->lhs = $1; $$->rhs = $3; $$->hi = $5;
        $$->is_slice = true; expr_set_depth($$); }
  | IDENT '(' opt_args ')'
      { $$ = expr_new(ps->arena, EX_CALL, @$); $$->text = $1; $$->name_span = @1; $$->args = $3.head;
        expr_set_depth($$); }
  ;

primary
  : NUMBER
      { $$ = expr_new(ps->arena, EX_NUMBER, @$); $$->num = $1.value; $$->text = $1.text; }
  | NUMBER IDENT %prec UNIT_LITERAL
      {
        $$ = expr_new(ps->arena, EX_NUMBER, @$); $$->num = $1.value; $$->text = $1.text;
        $$->unit = $2; $$->unit_span = @2; $$->unit_power = 1;
      }
  | NUMBER IDENT '^' unit_exponent
      {
        /* 4 mV^2 is 4 (mV^2): the power belongs to the unit. */
        $$ = expr_new(ps->arena, EX_NUMBER, @$); $$->num = $1.value; $$->text = $1.text;
        $$->unit = $2; $$->unit_span = span_join(@2, @4); $$->unit_power = $4;
      }
  | IDENT                     { $$ = expr_new(ps->arena, EX_NAME, @$); $$->text = $1; }
  | STRING                    { $$ = expr_new(ps->arena, EX_STRING, @$); $$->text = $1; }
  | TRUE                      { $$ = expr_new(ps->arena, EX_BOOL, @$); $$->num = 1; }
  | FALSE                     { $$ = expr_new(ps->arena, EX_BOOL, @$); $$->num = 0; }
  | '(' expr ')'
      { $$ = expr_new(ps->arena, EX_PAREN, @$); $$->lhs = $2; expr_set_depth($$); }
  | '(' expr ':' args ')'
      { $$ = expr_new(ps->arena, EX_GROUP, @$); $$->lhs = $2; $$->args = $4.head;
        expr_set_depth($$); }
  ;

/* Keywords that also read well as argument names and monitor kinds:
   monitor state(E.v, every = 1 ms). */
soft_name
  : IDENT                     { $$ = $1; }
  | soft_keyword              { $$ = $1; }
  ;

soft_keyword
  : STATE                     { $$ = "state"; }
  | EVERY                     { $$ = "every"; }
  | INPUT                     { $$ = "input"; }
  | TRACE                     { $$ = "trace"; }
  | SEED                      { $$ = "seed"; }
  | METHOD                    { $$ = "method"; }
  | SPIKE                     { $$ = "spike"; }
  ;

unit_exponent
  : NUMBER                    { $$ = unit_exponent(ps, $1.value, false, @1); }
  | '-' NUMBER                { $$ = unit_exponent(ps, $2.value, true, @$); }
  ;

opt_args
  : %empty                    { $$.head = $$.tail = NULL; }
  | args                      { $$ = $1; }
  ;

args
  : arg                       { $$.head = $$.tail = NULL; expr_list_add(&$$, $1); }
  | args ',' arg              { $$ = $1; expr_list_add(&$$, $3); }
  ;

arg
  : expr                      { $$ = $1; }
  | IDENT '=' expr            { $$ = $3; $$->arg_name = $1; $$->arg_name_span = @1; }
  | soft_keyword '=' expr     { $$ = $3; $$->arg_name = $1; $$->arg_name_span = @1; }
  | WHERE '=' expr            { $$ = $3; $$->arg_name = "where"; $$->arg_name_span = @1; }
  | expr ARROW expr
      { $$ = expr_new(ps->arena, EX_ARROW, @$); $$->lhs = $1; $$->rhs = $3; expr_set_depth($$); }
  ;

%%

/* A chain such as 1 + 1 + ... + 1 builds a tree as deep as it is long
   without deepening the parser's stack, and the stages after the parser
   recurse on the tree (the driver gives them a stack with room for this
   depth); LLVM's optimiser also slows down on very long chains (60,000
   terms take a minute).  A chain longer than this is refused here. */
enum { MAX_EXPR_DEPTH = 10000 };

static Expr *binary(ParseCtx *ps, Op op, Expr *l, Expr *r, Span s) {
  int depth = 1 + (l->depth > r->depth ? l->depth : r->depth);
  if (depth > MAX_EXPR_DEPTH) {
    if (!ps->reported_depth)
      diag_error(ps->diags, s, "this expression is too long: more than %d operations "
                 "nested in one another; split it with intermediate definitions",
                 MAX_EXPR_DEPTH);
    ps->reported_depth = true;
    ps->syntax_errors++;
    return l;
  }
  Expr *e = expr_new(ps->arena, EX_BINARY, s);
  e->op = op;
  e->lhs = l;
  e->rhs = r;
  e->depth = depth;
  return e;
}

static Expr *unary(ParseCtx *ps, Op op, Expr *x, Span s) {
  Expr *e = expr_new(ps->arena, EX_UNARY, s);
  e->op = op;
  e->lhs = x;
  expr_set_depth(e);
  return e;
}

/* The exponent of a unit in a literal: a small whole number. */
static int unit_exponent(ParseCtx *ps, double v, bool negative, Span s) {
  if (v != (double)(int)v || v < 1 || v > 9) {
    diag_error(ps->diags, s, "a unit's exponent must be a whole number from 1 to 9");
    return 1;
  }
  return negative ? -(int)v : (int)v;
}

static Decl *decl(ParseCtx *ps, DeclKind k, Span s) {
  Decl *d = decl_new(ps->arena, k, s);
  d->module = ps->module;
  return d;
}

static void expr_list_add(ExprList *l, Expr *e) {
  if (!e) return;
  if (l->tail) l->tail->next = e;
  else l->head = e;
  l->tail = e;
}

static void decl_list_add(DeclList *l, Decl *d) {
  if (!d) return;
  if (l->tail) l->tail->next = d;
  else l->head = d;
  l->tail = d;
}

static void stmt_list_add(StmtList *l, Stmt *s) {
  if (!s) return;
  if (l->tail) l->tail->next = s;
  else l->head = s;
  l->tail = s;
}

static void yyerror(Span *loc, void *scanner, ParseCtx *ps, const char *msg) {
  (void)scanner;
  ps->syntax_errors++;
  if (strstr(msg, "exhausted"))
    diag_error(ps->diags, *loc, "the model is nested too deeply to parse "
               "(more than %d levels of brackets and operators)", YYMAXDEPTH / 2);
  else
    diag_error(ps->diags, *loc, "%s", msg);
}

/*
** Syntax error messages.  Bison hands us the tokens that could have come
** next; we group them into words ("an expression", "an operator", "a
** declaration"), name what was found as it appears in the source, and add a
** hint for the mistakes modellers make most.
*/

enum { MAX_EXPECTED = 64 };

typedef struct ExpectedSet {
  yysymbol_kind_t kinds[MAX_EXPECTED];
  int n;
} ExpectedSet;

static bool is_sym(yysymbol_kind_t k, const char *name) {
  return strcmp(yysymbol_name(k), name) == 0;
}

static bool expects(const ExpectedSet *e, const char *name) {
  for (int i = 0; i < e->n; i++)
    if (is_sym(e->kinds[i], name)) return true;
  return false;
}

static void drop(ExpectedSet *e, const char *name) {
  for (int i = 0; i < e->n; i++)
    if (is_sym(e->kinds[i], name)) e->kinds[i--] = e->kinds[--e->n];
}

/* Removes the named tokens if at least `need` of them are expected. */
static bool drop_group(ExpectedSet *e, const char *const *group, int need) {
  int have = 0, n = 0;
  for (; group[n]; n++) have += expects(e, group[n]);
  if (have < need || have == 0) return false;
  for (int i = 0; i < n; i++) drop(e, group[i]);
  return true;
}

/* The source text of the token at loc (at most 40 bytes); false if there
   is none to show. */
static bool token_text(ParseCtx *ps, Span loc, char *buf, size_t n) {
  int len;
  const char *line = src_line(ps->file, loc.line, &len);
  int from = src_col_to_byte(line, len, loc.col);
  int to = loc.end_line == loc.line ? src_col_to_byte(line, len, loc.end_col + 1) : len;
  if (from >= len || to <= from) return false;
  if (to - from > 40) to = from + 40;
  snprintf(buf, n, "%.*s", to - from, line + from);
  return true;
}

/* The text of the token at loc, quoted, or its description. */
static void describe_found(ParseCtx *ps, yysymbol_kind_t k, Span loc, char *buf, size_t n) {
  if (k == YYSYMBOL_YYEOF) { snprintf(buf, n, "end of file"); return; }
  if (k == YYSYMBOL_NEWLINE) { snprintf(buf, n, "end of line"); return; }
  char text[48];
  if (!token_text(ps, loc, text, sizeof text)) { snprintf(buf, n, "%s", yysymbol_name(k)); return; }
  const char *what = k == YYSYMBOL_IDENT ? "name " : k == YYSYMBOL_NUMBER ? "number " :
                     k == YYSYMBOL_STRING ? "string " : "";
  snprintf(buf, n, "%s'%s'", what, text);
}

/* Words for the expected tokens, most helpful first; returns how many. */
static int describe_expected(ExpectedSet *e, StrBuf *out) {
  static const char *const expr_start[] = {
    "a number", "a name", "'('", "'not'", "'true'", "'-'", NULL,
  };
  static const char *const expr_rest[] = {"a string", "'false'", "'+'", NULL};
  static const char *const operators[] = {
    "'+'", "'-'", "'*'", "'/'", "'%'", "'^'", "'and'", "'or'", "'<'", "'=='", NULL,
  };
  static const char *const operators_rest[] = {
    "'>'", "'<='", "'>='", "'!='", "'.'", "'['", NULL,
  };
  static const char *const decl_start[] = {
    "'param'", "'state'", "'neuron'", "'spike'", "'population'", "'connect'",
    "'on_pre'", "'const'", "'import'", "'reset'", NULL,
  };
  static const char *const decl_rest[] = {
    "'extern'", "'precision'", "'timestep'", "'seed'", "'synapse'", "'input'",
    "'monitor'", "'run'", "'refractory'", "'method'", "'trace'", "'on_post'",
    "'every'", "'where'", "'from'", "'modulator'", "'reward'", "'environment'", "'encode'",
    "'decode'", "'train'", "'agents'", "a name", NULL,
  };
  const char *words[MAX_EXPECTED + 3];
  int nw = 0;
  if (drop_group(e, expr_start, 4)) {
    drop_group(e, expr_rest, 0);
    words[nw++] = "an expression";
  }
  if (drop_group(e, decl_start, 3)) {
    drop_group(e, decl_rest, 0);
    words[nw++] = "a declaration";
  }
  bool has_ops = drop_group(e, operators, 5);
  if (has_ops) {
    /* A call, a group (x: ...) or a unit after a number are possible too,
       but listing them drowns the likely fix. */
    drop_group(e, operators_rest, 0);
    drop(e, "'('");
    if (expects(e, "')'")) drop(e, "':'");
    drop(e, "a name");
  }
  for (int i = 0; i < e->n; i++) words[nw++] = yysymbol_name(e->kinds[i]);
  if (has_ops) words[nw++] = "an operator";
  for (int i = 0; i < nw; i++) {
    if (i > 0) sb_puts(out, i == nw - 1 ? " or " : ", ");
    sb_puts(out, words[i]);
  }
  return nw;
}

/* True if only blanks come before column `col` on `line`. */
static bool first_on_line(ParseCtx *ps, int line, int col) {
  int len;
  const char *text = src_line(ps->file, line, &len);
  int end = src_col_to_byte(text, len, col);
  for (int i = 0; i < end; i++)
    if (text[i] != ' ' && text[i] != '\t') return false;
  return true;
}

/* The keyword nearest to a name found where a declaration was expected
   ("nueron"), among those the parser expected, or NULL. */
static const char *misspelled_keyword(const ExpectedSet *e, const char *name) {
  const char *best = NULL;
  int best_d = strlen(name) <= 3 ? 2 : 3;
  for (int i = 0; i < e->n; i++) {
    const char *sym = yysymbol_name(e->kinds[i]);
    if (sym[0] != '\'' || !isalpha((unsigned char)sym[1])) continue;
    char word[32];
    snprintf(word, sizeof word, "%.*s", (int)strlen(sym) - 2, sym + 1);
    int d = edit_distance(name, word);
    if (d < best_d) {
      best_d = d;
      best = sym;
    }
  }
  return best;
}

/* The line of the next non-blank character after the end of `line` if it
   is '{', else 0. */
static int brace_on_next_line(ParseCtx *ps, int line) {
  if (line >= ps->file->nlines) return 0;
  const char *p = ps->file->text + ps->file->line_starts[line];
  int at = line + 1;
  for (; *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'; p++)
    if (*p == '\n') at++;
  return *p == '{' ? at : 0;
}

static bool is_binary_operator(yysymbol_kind_t k) {
  static const char *const ops[] = {"'+'", "'-'", "'*'", "'/'", "'%'", "'^'", "'and'",
                                    "'or'", "'<'", "'>'", "'<='", "'>='", "'=='", "'!='"};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (is_sym(k, ops[i])) return true;
  return false;
}

/* True for a reserved word of the language ('state', 'in', ...). */
static bool is_keyword(yysymbol_kind_t k) {
  const char *sym = yysymbol_name(k);
  return sym[0] == '\'' && isalpha((unsigned char)sym[1]);
}

/* A hint for a frequent mistake, or NULL; `name` is the text found. */
static const char *syntax_hint(ParseCtx *ps, const ExpectedSet *e, yysymbol_kind_t found,
                               Span loc, const char *name, char *buf, size_t n) {
  int prev = ps->prev_tokens[0], prev2 = ps->prev_tokens[1];
  bool line_start = first_on_line(ps, loc.line, loc.col);
  if (found == YYSYMBOL_NEWLINE && expects(e, "'{'") && brace_on_next_line(ps, loc.line)) {
    ps->brace_hint_line = brace_on_next_line(ps, loc.line);
    return "a block's '{' goes on the same line as its header, as in 'neuron LIF {'";
  }
  /* Only where nothing but a name fits: after an operator a keyword is
     more likely a statement run on than a name. */
  if (is_keyword(found) && !line_start && expects(e, "a name") && !expects(e, "a number") &&
      !expects(e, "end of line")) {
    const char *sym = yysymbol_name(found);
    snprintf(buf, n, "%s is a keyword, which cannot be a name: choose another, as '%.*s_'", sym, (int)strlen(sym) - 2, sym + 1);
    return buf;
  }
  if (found == YYSYMBOL_IDENT && line_start && expects(e, "'neuron'")) {
    const char *kw = misspelled_keyword(e, name);
    if (kw) {
      snprintf(buf, n, "did you mean %s?", kw);
      return buf;
    }
  }
  if (is_binary_operator(found) && line_start && prev == NEWLINE)
    return "the line break ended the statement: to continue it, end the line with the "
           "operator";
  if (is_sym(found, "'='") && prev == IDENT && prev2 == STATE)
    return "a state variable needs a unit, as in 'state v : mV = -65 mV', or ': 1' if it "
           "has none";
  if (is_sym(found, "'='") && expects(e, "'=='"))
    return "to compare two values, write '=='";
  if (found == YYSYMBOL_IDENT && prev == ')' && expects(e, "end of line"))
    return "a unit may follow a number directly ('20 ms'); after anything else, multiply "
           "by it: '(a + b) * ms'";
  if ((found == YYSYMBOL_IDENT || found == YYSYMBOL_NUMBER) && expects(e, "end of line") &&
      !line_start)
    return "is an operator missing? Two statements on one line need ';' between them";
  if (expects(e, "end of line") && yysymbol_name(found)[0] == '\'' &&
      isalpha((unsigned char)yysymbol_name(found)[1]) && !line_start)
    return "two statements on one line need ';' between them";
  if (is_sym(found, "':'") && prev == IDENT && prev2 == PARAM)
    return "a parameter takes its unit from its value: 'param tau = 20 ms'";
  if (is_sym(found, "'{'") && prev == NEWLINE)
    return "a block's '{' goes on the same line as its header, as in 'neuron LIF {'";
  if (is_sym(found, "'<'") || is_sym(found, "'>'") || is_sym(found, "'<='") ||
      is_sym(found, "'>='") || is_sym(found, "'=='") || is_sym(found, "'!='"))
    return "comparisons do not chain: write 'a < b and b < c'";
  return NULL;
}

/* Notes pointing back at a bracket that is still open. */
static void note_open_bracket(ParseCtx *ps, yysymbol_kind_t found) {
  if (ps->nbrackets <= 0 || ps->nbrackets > PARSE_MAX_NESTING) return;
  const OpenBracket *b = &ps->brackets[ps->nbrackets - 1];
  if (found == YYSYMBOL_YYEOF || (b->ch != '{' && (is_sym(found, "'}'") ||
                                                   found == YYSYMBOL_NEWLINE)))
    diag_note(ps->diags, b->span, "this '%c' is not closed", b->ch);
}

static int yyreport_syntax_error(const yypcontext_t *ctx, void *scanner, ParseCtx *ps) {
  (void)scanner;
  ExpectedSet e;
  e.n = yypcontext_expected_tokens(ctx, e.kinds, MAX_EXPECTED);
  if (e.n < 0) e.n = 0;
  yysymbol_kind_t found = yypcontext_token(ctx);
  Span loc = *yypcontext_location(ctx);
  ps->syntax_errors++;
  /* Recovery skips the rest of the declaration, with any block it opens. */
  ps->recovering = true;
  ps->recover_depth = ps->brace_depth - (is_sym(found, "'{'") ? 1 : 0);
  /* A bad character was reported on this line already; what the parser
     makes of the rest of the line would only repeat it. */
  if (ps->lex_error_line == loc.line) return 0;
  /* The '{' that the error on the line before explained. */
  if (is_sym(found, "'{'") && ps->brace_hint_line == loc.line) return 0;

  char what[96], name[48] = "", hint_buf[160];
  describe_found(ps, found, loc, what, sizeof what);
  if (found == YYSYMBOL_IDENT) token_text(ps, loc, name, sizeof name);
  const char *hint = syntax_hint(ps, &e, found, loc, name, hint_buf, sizeof hint_buf);
  StrBuf msg = {0}, expected = {0};
  int nwords = describe_expected(&e, &expected);
  if (found == YYSYMBOL_YYEOF && expects(&e, "'}'")) {
    sb_puts(&msg, "unexpected end of file: a block is missing its closing '}'");
  } else if (nwords == 0 || nwords > 6) {
    sb_printf(&msg, "unexpected %s", what);
  } else {
    sb_printf(&msg, "expected %s, but found %s", sb_str(&expected), what);
  }
  sb_free(&expected);
  if (hint) sb_printf(&msg, "; %s", hint);
  diag_error(ps->diags, loc, "%s", sb_str(&msg));
  sb_free(&msg);
  note_open_bracket(ps, found);
  return 0;
}

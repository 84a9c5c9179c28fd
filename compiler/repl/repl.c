/*
** repl.c: `snnc repl [model.snn]`, the interactive session.
**
** Each line is one of:
**   a command     run 100 ms | reset | set taum = 10 ms | plot raster E | plot E.v |
**                 show ir E | show asm E | params | time | help | quit
**   a declaration population P = LIF[100], connect ..., const x = 3, ...
**                 (a '{' block continues until its '}')
**   an expression E.v[0:5], mean(E.v), count(E.spikes), taum * 2
** A mistake prints a diagnostic under the line typed and changes nothing.
** Read from a file or a pipe, the session stops at the first error with
** exit status 1, so recorded sessions replay as tests.
*/
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <editline/readline.h>

#include "check.h"
#include "codegen.h"
#include "npy.h"
#include "parse.h"
#include "repl.h"

/* --- Compiling the session's model --------------------------------------- */

static double now(void) { return compile_clock(); }

/* Compiled code: what compile_session makes and build_network puts in
   use.  Its machine code lives in the session's JIT, which outlasts it. */
typedef struct Code {
  Compiled *compiled;
  const SnnModel *model;
  LLVMModuleRef ir;  /* the unoptimised module, for show ir/asm */
} Code;

static void drop_code(Code *k) {
  if (k->ir) LLVMDisposeModule(k->ir);
  if (k->compiled) {
    compile_free(k->compiled);
    free(k->compiled);
  }
  memset(k, 0, sizeof *k);
}

/* Compiles names/texts into new code, leaving the session's code alone.
   The session's JIT compiles only the kernels that differ from code it
   already holds. */
static bool compile_session(Session *s, Code *out) {
  Compiled *c = xcalloc(1, sizeof *c);
  bool ok = compile_texts(c, (const char *const *)s->names.items,
                          (const char *const *)s->texts.items, s->names.len, &s->opt, false);
  const SnnModel *model = NULL;
  LLVMModuleRef ir = NULL;
  double t1 = now();
  JitReuse reuse = {0, 0};
  if (ok) {
    ir = LLVMCloneModule(c->module);
    model = jit_add_generation(&s->jit, c, &reuse);
    ok = model != NULL;
  }
  out->compiled = c;
  out->model = model;
  out->ir = ir;
  if (!ok) {
    drop_code(out);
    return false;
  }
  s->t_parse = c->parse_s;
  s->t_check = c->check_s;
  s->t_codegen = c->codegen_s;
  s->t_jit = now() - t1;
  s->reuse = reuse;
  return true;
}

/* --- The running network ------------------------------------------------- */

/* The after-step hook: appends the step's spikes and state samples to the records. */
static void record_spikes(SnnSim *sim, int64_t step, void *ctx) {
  Session *s = ctx;
  for (int64_t k = 0; k < snnrt_sim_model(sim)->npop && k < s->nspikes; k++) {
    const int32_t *items;
    int64_t len = snnrt_sim_spikes(sim, k, &items);
    SpikeRecord *r = &s->spikes[k];
    if (r->n + len > r->cap) {
      int64_t cap = r->cap ? r->cap : 1024;
      while (cap < r->n + len) cap *= 2;
      r->step = xrealloc(r->step, sizeof(int64_t) * (size_t)cap);
      r->index = xrealloc(r->index, sizeof(int32_t) * (size_t)cap);
      r->cap = cap;
    }
    for (int64_t n = 0; n < len; n++) {
      r->step[r->n] = step;
      r->index[r->n++] = items[n];
    }
  }
  /* The step is done: the state is that of the start of the next one. */
  repl_states_sample(s, step + 1);
}

static void free_spikes(SpikeRecord *r, int n) {
  for (int k = 0; k < n; k++) {
    free(r[k].step);
    free(r[k].index);
  }
  free(r);
}

/* Parameter values: the model's, then those set at the prompt. */
static double *initial_params(Session *s, const SnnModel *m, bool *fixed) {
  double *param = xcalloc((size_t)m->nparam + 1, sizeof(double));
  for (int64_t k = 0; k < m->nparam; k++) param[k] = m->param[k].value;
  for (int q = 0; q < s->set_names.len; q++) {
    int64_t k = -1;
    for (int64_t j = 0; j < m->nparam; j++)
      if (strcmp(m->param[j].name, s->set_names.items[q]) == 0) k = j;
    if (k >= 0) {
      param[k] = s->param[q];
      fixed[k] = true;
    }
  }
  return param;
}

/* A new sim for the code `next` (NULL: the session's own); with `carry`,
   the running one's state continues in it.  Spike records follow their
   populations by name.  On success `next` becomes the session's code. */
static bool build_network(Session *s, Code *next, bool carry) {
  const SnnModel *m = next ? next->model : s->model;
  /* One thread, no monitor files (the session records spikes itself), no rate guard. */
  SnnSimConfig config = snnrt_sim_config(m);
  config.dt = s->dt > 0 ? s->dt : m->dt;
  config.seed = s->seed;
  bool *fixed = xcalloc((size_t)m->nparam + 1, sizeof(bool));
  double *param = initial_params(s, m, fixed);
  char err[512];
  double t0 = now();
  SnnSim *sim = snnrt_sim_create(m, &config, param, fixed, err, sizeof err);
  s->t_build = now() - t0;
  free(param);
  free(fixed);
  if (!sim) {
    fprintf(stderr, "error: %s\n", err);
    return false;
  }
  if (s->sim && carry && !snnrt_sim_transfer(sim, s->sim)) {
    fprintf(stderr, "error: %s\n", snnrt_sim_error(sim));
    snnrt_sim_free(sim);
    return false;
  }
  SpikeRecord *records = xcalloc((size_t)m->npop + 1, sizeof(SpikeRecord));
  if (s->sim && carry) {
    for (int64_t k = 0; k < m->npop; k++) {
      for (int q = 0; q < s->nspikes; q++) {
        if (strcmp(s->model->pop[q].name, m->pop[k].name) == 0) {
          records[k] = s->spikes[q];
          memset(&s->spikes[q], 0, sizeof s->spikes[q]);
        }
      }
    }
  }
  snnrt_sim_free(s->sim);
  free_spikes(s->spikes, s->nspikes);
  if (next) {
    Code old = {s->compiled, s->model, s->ir};
    drop_code(&old);
    s->compiled = next->compiled;
    s->model = next->model;
    s->ir = next->ir;
  }
  s->sim = sim;
  s->spikes = records;
  s->nspikes = (int)m->npop;
  repl_states_rebuild(s, carry);
  snnrt_sim_set_hook(sim, record_spikes, s);
  return true;
}

/* --- Commands ----------------------------------------------------------- */

/* Parses and checks the expression in `line` from `offset` on. */
static Expr *prompt_expression(Session *s, Diags *d, const char *line, size_t offset) {
  char name[32];
  snprintf(name, sizeof name, "<input %d>", ++s->inputs_seen);
  SrcFile *f = diag_add_text(d, name, line, strlen(line));
  Expr *e = parse_expression(&s->compiled->arena, d, f, offset);
  if (!e || !check_repl_expr(s->compiled->model, d, e)) return NULL;
  return e;
}

/* Evaluates an expression that must be one number of a dimension. */
static bool prompt_quantity(Session *s, Diags *d, const char *line, size_t offset, Dim want,
                            const char *what, double *out) {
  Expr *e = prompt_expression(s, d, line, offset);
  if (!e) return false;
  if (e->type != TY_NUMBER || !dim_eq(e->dim, want)) {
    char dw[96], dg[96];
    dim_describe(want, dw, sizeof dw);
    dim_describe(e->dim, dg, sizeof dg);
    diag_error(d, e->span, "%s must be %s, but this is %s", what, dw,
               e->type == TY_BOOL ? "a condition" : dg);
    return false;
  }
  Value v;
  if (!repl_eval(s, d, e, &v)) return false;
  bool single = v.n == 1;
  if (single) *out = v.v[0];
  else diag_error(d, e->span, "%s must be one number, not %lld values", what, (long long)v.n);
  repl_value_free(&v);
  return single;
}

/* Prints the sim's last failure and forgets it, so the session goes on; false. */
static bool report_sim_error(Session *s) {
  fprintf(stderr, "error: %s\n", snnrt_sim_error(s->sim));
  snnrt_sim_clear_error(s->sim);
  return false;
}

/* Spikes of every population since the start. */
static int64_t all_spikes(Session *s) {
  int64_t n = 0;
  for (int64_t k = 0; k < s->model->npop; k++) n += snnrt_sim_spike_count(s->sim, k);
  return n;
}

static bool repl_run(Session *s, Diags *d, const char *line, size_t offset) {
  double duration;
  if (!prompt_quantity(s, d, line, offset, dim_time(), "the duration", &duration)) return false;
  double dt = snnrt_sim_dt(s->sim);
  int64_t steps = (int64_t)llround(duration / dt);
  if (steps <= 0) {
    fprintf(stderr, "error: run a positive duration, at least one step (%g ms)\n", dt * 1e3);
    return false;
  }
  double t0 = now();
  int64_t before = all_spikes(s);
  /* In chunks of about 20 ms of wall time, so that Ctrl-C stops the run at
     a step boundary soon after it is pressed; the chunk grows or shrinks
     with the model's speed. */
  int64_t done = 0, chunk = 10;
  bool ok = true, interrupted = false;
  repl_interrupted(); /* a Ctrl-C before the run is not for it */
  while (ok && done < steps && !(interrupted = repl_interrupted())) {
    int64_t n = steps - done < chunk ? steps - done : chunk;
    double c0 = now();
    ok = snnrt_sim_step(s->sim, n);
    done += n;
    double took = now() - c0;
    chunk = took < 0.01 ? chunk * 2 : took > 0.04 && chunk > 1 ? chunk / 2 : chunk;
  }
  s->t_simulate += now() - t0;
  if (!ok) return report_sim_error(s);
  s->simulated += (double)done * dt;
  fprintf(s->out, "t = %g ms (%llu spikes in %g ms)%s\n", snnrt_sim_time(s->sim) * 1e3,
          (unsigned long long)(all_spikes(s) - before), (double)done * dt * 1e3,
          interrupted ? "; interrupted: the state is kept, 'run' goes on from here" : "");
  return true;
}

/* set NAME = VALUE: a parameter takes effect at once; a constant is a
   change of the model, compiled again with the run's state kept. */
static bool repl_set(Session *s, Diags *d, const char *line, size_t offset) {
  const char *p = line + offset;
  while (isspace((unsigned char)*p)) p++;
  const char *name = p;
  while (*p && !isspace((unsigned char)*p) && *p != '=') p++;
  char *key = arena_strndup(&s->compiled->arena, name, (size_t)(p - name));
  while (isspace((unsigned char)*p)) p++;
  if (*p != '=' || !*key) {
    fprintf(stderr, "error: write 'set NAME = VALUE', as in 'set taum = 10 ms'\n");
    return false;
  }
  size_t value_at = (size_t)(p + 1 - line);
  int64_t k = repl_param_index(s, key);
  if (k >= 0) {
    Dim want;
    int64_t packed = s->model->param[k].dim;
    for (int q = 0; q < DIM_COUNT; q++) want.e[q] = (signed char)(((packed >> (8 * q)) & 0xff) - 64);
    double v;
    if (!prompt_quantity(s, d, line, value_at, want, arena_printf(&s->compiled->arena,
                         "the value of '%s'", key), &v))
      return false;
    /* Refused, the parameter keeps its old value and everything computed from it. */
    if (!snnrt_sim_set_param(s->sim, k, v)) return report_sim_error(s);
    int q;
    for (q = 0; q < s->set_names.len && strcmp(s->set_names.items[q], key) != 0; q++) {}
    if (q == s->set_names.len) {
      vec_push(&s->set_names, xstrdup(key));
      s->param = xrealloc(s->param, sizeof(double) * (size_t)s->set_names.len);
    }
    s->param[q] = v;
    return true;
  }
  Symbol *sym = scope_find_local(&s->compiled->model->globals, key);
  if (!sym || sym->kind != SYM_CONST) {
    fprintf(stderr, "error: the model has no parameter or constant '%s'\n", key);
    return false;
  }
  /* Rewrite the constant's value in its source piece and compile again. */
  Span at = sym->decl->value->span;
  int piece = -1;
  for (int q = 0; q < s->names.len; q++)
    if (strcmp(s->names.items[q], diag_file(&s->compiled->diags, at.file)->path) == 0) piece = q;
  if (piece < 0 || at.line != at.end_line) {
    fprintf(stderr, "error: constant '%s' cannot be changed from the prompt\n", key);
    return false;
  }
  const char *text = s->texts.items[piece];
  const SrcFile *f = diag_file(&s->compiled->diags, at.file);
  size_t start = (size_t)f->line_starts[at.line - 1] + (size_t)(at.col - 1);
  size_t end = (size_t)f->line_starts[at.line - 1] + (size_t)at.end_col;
  StrBuf edited = {0};
  sb_putn(&edited, text, start);
  sb_puts(&edited, line + value_at);
  sb_puts(&edited, text + end);
  char *old_text = s->texts.items[piece];
  s->texts.items[piece] = edited.data;
  Code next;
  if (!compile_session(s, &next)) {
    s->texts.items[piece] = old_text;
    free(edited.data);
    return false;
  }
  double t0 = now();
  bool ok = build_network(s, &next, true);
  if (!ok) {
    drop_code(&next);
    free(s->texts.items[piece]);
    s->texts.items[piece] = old_text;
    return false;
  }
  free(old_text);
  if (s->interactive)
    fprintf(s->out, "recompiled in %.0f ms (%d kernel%s compiled, %d reused)\n",
            (s->t_parse + s->t_check + s->t_codegen + s->t_jit + now() - t0) * 1e3,
            s->reuse.compiled, s->reuse.compiled == 1 ? "" : "s", s->reuse.reused);
  return ok;
}

/* The population named by the word at *p, advancing past it. */
static int64_t take_population(Session *s, const char **p) {
  while (isspace((unsigned char)**p)) (*p)++;
  const char *start = *p;
  while (**p && !isspace((unsigned char)**p)) (*p)++;
  char name[128];
  snprintf(name, sizeof name, "%.*s", (int)(*p - start), start);
  if (!name[0]) return -2;
  int64_t k = repl_population_index(s, name);
  if (k < 0) fprintf(stderr, "error: no population named '%s'\n", name);
  return k;
}

/* Prints the machine code of function `fn` of the optimised module `mod`. */
static bool show_asm(Session *s, LLVMModuleRef mod, const char *fn, const char *pop) {
  char *error = NULL;
  LLVMMemoryBufferRef buf;
  if (LLVMTargetMachineEmitToMemoryBuffer(s->compiled->tm, mod, LLVMAssemblyFile, &error, &buf)) {
    fprintf(stderr, "error: %s\n", error);
    LLVMDisposeMessage(error);
    return false;
  }
  const char *text = LLVMGetBufferStart(buf);
  char label[80];
  snprintf(label, sizeof label, "\n%s:", fn);
  const char *start = strstr(text, label);
  const char *end = start ? strstr(start, ".Lfunc_end") : NULL;
  if (start && end)
    fprintf(s->out, "%.*s\n", (int)(end - start - 1), start + 1);
  else
    fprintf(stderr, "error: population '%s' has no kernel\n", pop);
  LLVMDisposeMemoryBuffer(buf);
  return start && end;
}

/* When the optimiser merged identical kernels, the copies only jump to
   the one kept: its name, or NULL if fn has a body of its own. */
static const char *shared_kernel(LLVMValueRef fn) {
  if (LLVMCountBasicBlocks(fn) != 1) return NULL;
  for (LLVMValueRef in = LLVMGetFirstInstruction(LLVMGetFirstBasicBlock(fn)); in;
       in = LLVMGetNextInstruction(in)) {
    if (!LLVMIsACallInst(in)) continue;
    LLVMValueRef callee = LLVMGetCalledValue(in);
    size_t len;
    const char *name = callee ? LLVMGetValueName2(callee, &len) : "";
    if (strncmp(name, "snn_step_", 9) == 0) return name;
  }
  return NULL;
}

/* show ir E / show asm E: the population's step kernel. */
static bool repl_show(Session *s, const char *args) {
  const char *p = args;
  while (isspace((unsigned char)*p)) p++;
  bool asm_ = strncmp(p, "asm", 3) == 0;
  if (!asm_ && strncmp(p, "ir", 2) != 0) {
    fprintf(stderr, "error: write 'show ir E' or 'show asm E'\n");
    return false;
  }
  p += asm_ ? 3 : 2;
  int64_t k = take_population(s, &p);
  if (k < 0) {
    if (k == -2) fprintf(stderr, "error: name a population, as in 'show %s E'\n", asm_ ? "asm" : "ir");
    return false;
  }
  char fn[64];
  snprintf(fn, sizeof fn, "snn_step_%lld", (long long)k);
  /* The session keeps the module unoptimised (the JIT optimises only what
     changed); optimise a copy to show what runs. */
  LLVMModuleRef copy = LLVMCloneModule(s->ir);
  char *error = NULL;
  if (!codegen_optimize(copy, s->compiled->tm, &error)) {
    fprintf(stderr, "error: %s\n", error ? error : "optimisation failed");
    LLVMDisposeErrorMessage(error);
    LLVMDisposeModule(copy);
    return false;
  }
  if (!LLVMGetNamedFunction(copy, fn)) {
    fprintf(stderr, "error: population '%s' has no kernel (it is an input)\n",
            s->model->pop[k].name);
    LLVMDisposeModule(copy);
    return false;
  }
  const char *shared = shared_kernel(LLVMGetNamedFunction(copy, fn));
  if (shared) {
    int64_t owner = strtoll(shared + strlen("snn_step_"), NULL, 10);
    fprintf(s->out, "; population '%s' runs the same kernel as '%s':\n", s->model->pop[k].name,
            owner >= 0 && owner < s->model->npop ? s->model->pop[owner].name : shared);
    snprintf(fn, sizeof fn, "%s", shared);
  }
  bool ok = true;
  if (asm_) {
    ok = show_asm(s, copy, fn, s->model->pop[k].name);
  } else {
    char *text = LLVMPrintValueToString(LLVMGetNamedFunction(copy, fn));
    fprintf(s->out, "%s\n", text);
    LLVMDisposeMessage(text);
  }
  LLVMDisposeModule(copy);
  return ok;
}

/* save DIR: summary.json (which creates the folder) and the spikes
   recorded so far, as snnc run writes them (<pop>_spikes_t.npy,
   <pop>_spikes_i.npy). */
static bool repl_save(Session *s, const char *args) {
  char dir[1024];
  if (sscanf(args, " %1023s", dir) != 1) {
    fprintf(stderr, "error: name a folder, as in 'save results'\n");
    return false;
  }
  char compiler[64];
  snprintf(compiler, sizeof compiler, "snnc %s (REPL)", SNN_VERSION);
  SnnCompileInfo info = {s->t_parse, s->t_check, s->t_codegen, s->t_jit, compiler};
  if (!snnrt_sim_write_summary(s->sim, dir, &info, s->t_build, s->t_simulate))
    return report_sim_error(s);
  double dt = snnrt_sim_dt(s->sim);
  char err[512];
  for (int64_t k = 0; k < s->model->npop; k++) {
    const SpikeRecord *r = &s->spikes[k];
    char path[1200];
    snprintf(path, sizeof path, "%s/%s_spikes_t.npy", dir, s->model->pop[k].name);
    NpyWriter *t = npy_open(path, NPY_F64, 0, err, sizeof err);
    snprintf(path, sizeof path, "%s/%s_spikes_i.npy", dir, s->model->pop[k].name);
    NpyWriter *i = t ? npy_open(path, NPY_I32, 0, err, sizeof err) : NULL;
    for (int64_t q = 0; i && q < r->n; q++) {
      double time = (double)r->step[q] * dt;
      npy_append(t, &time, 1);
    }
    if (i) npy_append(i, r->index, r->n);
    bool ok = t && i && npy_close_report(t, err, sizeof err) == 0;
    t = NULL;
    ok = ok && npy_close_report(i, err, sizeof err) == 0;
    if (!ok) {
      npy_close(t);
      fprintf(stderr, "error: %s\n", err);
      return false;
    }
  }
  fprintf(s->out, "saved the spikes and summary.json in %s\n", dir);
  return true;
}

static void repl_time(Session *s) {
  fprintf(s->out, "last compilation: parse %.1f ms, check %.1f ms, codegen %.1f ms, JIT %.1f ms "
          "(%d kernel%s compiled, %d reused)\n"
          "network build: %.1f ms\n"
          "simulation: %g ms simulated in %.1f ms of wall time (%.2fx real time)\n",
          s->t_parse * 1e3, s->t_check * 1e3, s->t_codegen * 1e3, s->t_jit * 1e3,
          s->reuse.compiled, s->reuse.compiled == 1 ? "" : "s", s->reuse.reused,
          s->t_build * 1e3, s->simulated * 1e3, s->t_simulate * 1e3,
          s->t_simulate > 0 ? s->simulated / s->t_simulate : 0.0);
}

static void repl_params(Session *s) {
  for (int64_t k = 0; k < s->model->nparam; k++) {
    const SnnParam *p = &s->model->param[k];
    fprintf(s->out, "%-20s = %.7g %s\n", p->name, snnrt_sim_param(s->sim, k) / p->unit_scale,
            p->unit);
  }
}

static const char help_text[] =
  "Commands (each with an example):\n"
  "  run 100 ms                  continue the simulation\n"
  "  reset                       back to the initial state, same seed\n"
  "  set taum = 10 ms            change a parameter now (a constant: recompile)\n"
  "  params                      parameters and their values\n"
  "  plot raster E I             raster of the spikes so far, to a PNG file\n"
  "  plot E.v, plot state        a state monitor of the model (all of them) so far\n"
  "                              (options: --neurons 0:10 --window 50ms:100ms\n"
  "                              --size 1200x800 --format png,svg,pdf)\n"
  "  save results                the spikes so far as .npy files, and summary.json\n"
  "  show ir E, show asm E       the step kernel of population E\n"
  "  time                        where the wall time went\n"
  "  help, quit\n"
  "Declarations extend the model, as in a file:\n"
  "  population P = LIF[100]     connect P -> E via Exc { p = 0.1 }\n"
  "Expressions are evaluated, with units:\n"
  "  E.v[0:5]   mean(E.v)   count(E.spikes)   rate(E, last = 100 ms)   taum * 2\n";

/* --- Declarations -------------------------------------------------------- */

static bool is_declaration(const char *word) {
  static const char *const kw[] = {"param", "const", "extern", "neuron", "synapse", "population",
                                    "input", "connect", "monitor", "import", "precision",
                                    "timestep", "seed", NULL};
  for (int k = 0; kw[k]; k++)
    if (strcmp(word, kw[k]) == 0) return true;
  return false;
}

static bool add_declaration(Session *s, const char *text) {
  char name[32];
  snprintf(name, sizeof name, "<input %d>", ++s->inputs_seen);
  vec_push(&s->names, xstrdup(name));
  vec_push(&s->texts, xstrdup(text));
  double t0 = now();
  Code next;
  if (!compile_session(s, &next)) {
    free(s->names.items[--s->names.len]);
    free(s->texts.items[--s->texts.len]);
    return false;
  }
  double t1 = now();
  bool ok = build_network(s, &next, true);
  if (!ok) {
    drop_code(&next);
    free(s->names.items[--s->names.len]);
    free(s->texts.items[--s->texts.len]);
  }
  if (ok && s->interactive)
    fprintf(s->out, "compiled in %.0f ms, network built in %.0f ms\n", (t1 - t0) * 1e3,
            s->t_build * 1e3);
  return ok;
}

/* --- The loop -------------------------------------------------------------- */

bool repl_start(Session *s, bool seed_given) {
  Code first;
  if (!compile_session(s, &first)) return false;
  if (!seed_given && first.model->seed) s->seed = (uint64_t)first.model->seed;
  /* The REPL steps the network on its own; the training loop is snnc run's. */
  if (first.model->environment)
    fprintf(stderr, "note: the model trains on environment '%s'; here 'run' steps its network "
            "without the environment (train it with snnc run)\n", first.model->environment->name);
  if (build_network(s, &first, false)) return true;
  drop_code(&first);
  return false;
}

static bool evaluate_line(Session *s, Diags *d, const char *line) {
  Expr *e = prompt_expression(s, d, line, 0);
  if (!e) return false;
  Value v;
  if (!repl_eval(s, d, e, &v)) return false;
  StrBuf out = {0};
  repl_format(&v, &out);
  fprintf(s->out, "%s\n", sb_str(&out));
  sb_free(&out);
  repl_value_free(&v);
  return true;
}

/* Runs one complete input; false on an error. */
static bool handle(Session *s, const char *line, bool *quit) {
  char word[32] = "";
  sscanf(line, " %31[A-Za-z_]", word);
  size_t after = (size_t)(strstr(line, word) - line) + strlen(word);
  /* Input lines join the compilation's source files, so that notes can
     point into the model as well as at what was typed. */
  Diags *d = &s->compiled->diags;
  bool ok = true;
  const char *first = line + strspn(line, " \t");
  if (*first == 0 || *first == '#') {
    ok = true; /* a blank line or a comment */
  } else if (strcmp(word, "quit") == 0 || strcmp(word, "exit") == 0) {
    *quit = true;
  } else if (strcmp(word, "help") == 0) {
    fputs(help_text, s->out);
  } else if (strcmp(word, "run") == 0) {
    ok = repl_run(s, d, line, after);
  } else if (strcmp(word, "reset") == 0) {
    ok = build_network(s, NULL, false);
    s->simulated = 0;
    if (ok) fprintf(s->out, "t = 0 ms\n");
  } else if (strcmp(word, "set") == 0) {
    ok = repl_set(s, d, line, after);
  } else if (strcmp(word, "plot") == 0) {
    ok = repl_plot(s, line + after);
  } else if (strcmp(word, "show") == 0) {
    ok = repl_show(s, line + after);
  } else if (strcmp(word, "save") == 0) {
    ok = repl_save(s, line + after);
  } else if (strcmp(word, "time") == 0) {
    repl_time(s);
  } else if (strcmp(word, "params") == 0) {
    repl_params(s);
  } else if (is_declaration(word)) {
    ok = add_declaration(s, line);
  } else {
    ok = evaluate_line(s, d, line);
  }
  diag_flush(&s->compiled->diags);
  return ok;
}

/* Net count of '{' over '}' outside comments and strings. */
static int brace_balance(const char *text) {
  int depth = 0;
  bool in_string = false;
  for (const char *p = text; *p; p++) {
    if (in_string) {
      if (*p == '\\' && p[1]) p++;
      else if (*p == '"') in_string = false;
    } else if (*p == '"') {
      in_string = true;
    } else if (*p == '#') {
      while (*p && *p != '\n') p++;
      if (!*p) break;
    } else if (*p == '{') {
      depth++;
    } else if (*p == '}') {
      depth--;
    }
  }
  return depth;
}

/* One line of input: through libedit on a terminal, else from `in`. */
/* A line of input, or NULL at the end; Ctrl-C at the prompt gives up the
   line (or the block being typed) and sets *cancelled. */
static char *read_line(Session *s, FILE *in, bool continued, bool *cancelled) {
  *cancelled = false;
  if (s->interactive) {
    char *line = repl_readline(continued ? "...> " : "snn> ", cancelled);
    if (*cancelled) {
      /* The terminal may still be in libedit's raw mode: \r too. */
      fputs("\r\n", s->out);
      fflush(s->out);
      return xstrdup("");
    }
    return line;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, in);
  if (n < 0) {
    free(line);
    return NULL;
  }
  if (n > 0 && line[n - 1] == '\n') line[n - 1] = 0;
  return line;
}

int repl_session_loop(Session *s, FILE *in) {
  bool quit = false;
  int status = 0;
  while (!quit) {
    bool cancelled;
    char *line = read_line(s, in, false, &cancelled);
    if (!line) break;
    StrBuf input = {0};
    sb_puts(&input, line);
    free(line);
    while (!cancelled && brace_balance(sb_str(&input)) > 0) {
      char *more = read_line(s, in, true, &cancelled);
      if (!more) break;
      sb_putc(&input, '\n');
      sb_puts(&input, more);
      free(more);
    }
    if (cancelled) {
      sb_free(&input);
      continue;
    }
    if (s->interactive && input.len) add_history(sb_str(&input));
    bool ok = handle(s, sb_str(&input), &quit);
    sb_free(&input);
    fflush(s->out);
    if (!ok && !s->interactive) {
      status = 1;
      break;
    }
  }
  return status;
}

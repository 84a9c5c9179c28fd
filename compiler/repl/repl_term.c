/*
** repl_term.c: starting a session, and what a terminal adds to it: line
** editing, history kept across sessions, and tab completion (libedit).
**
** The readline interface that libedit provides has no context argument for
** its completion callback, so the session being completed is kept in one
** file-level pointer, set only while repl_main runs.
*/
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <sys/select.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>

#include "repl.h"

int repl_session_loop(Session *s, FILE *in);

static Session *completing; /* the session whose names complete (see above) */

/* Ctrl-C: a signal handler has no context argument, so what it uses is
   the one piece of state the session cannot hold.  The handler only sets
   the flag.  During a run, the run reads it between its chunks (it stops
   at a step boundary).  At the prompt, libedit is driven one character at
   a time (its callback interface) from a pselect() that SIGINT interrupts:
   the typed line is given up and a fresh prompt follows.  (Jumping out of
   readline from the handler instead could leave a stdio lock held, and
   the process then hung at exit.) */
static volatile sig_atomic_t interrupt_pending;

static void on_interrupt(int sig) {
  (void)sig;
  interrupt_pending = 1;
}

static char *entered_line;
static bool line_entered;

static void on_line(char *line) {
  entered_line = line;
  line_entered = true;
}

char *repl_readline(const char *prompt, bool *interrupted) {
  *interrupted = false;
  entered_line = NULL;
  line_entered = false;
  /* SIGINT is blocked except inside pselect, so it cannot slip in between
     the test of the flag and the wait. */
  sigset_t block, before, waiting;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigprocmask(SIG_BLOCK, &block, &before);
  waiting = before;
  sigdelset(&waiting, SIGINT);
  interrupt_pending = 0;
  rl_callback_handler_install(prompt, on_line);
  int fd = fileno(rl_instream ? rl_instream : stdin);
  while (!line_entered) {
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(fd, &readable);
    int n = pselect(fd + 1, &readable, NULL, NULL, NULL, &waiting);
    if (n < 0 && errno == EINTR && interrupt_pending) {
      interrupt_pending = 0;
      *interrupted = true;
      break;
    }
    if (n < 0 && errno != EINTR) {
      line_entered = true; /* the terminal is gone: end of input */
      break;
    }
    if (n > 0) rl_callback_read_char();
  }
  if (*interrupted) {
    rl_replace_line("", 0);
    rl_callback_handler_remove();
    fputc('\n', stdout);
    fflush(stdout);
  } else {
    rl_callback_handler_remove();
  }
  sigprocmask(SIG_SETMASK, &before, NULL);
  return *interrupted ? NULL : entered_line;
}

bool repl_interrupted(void) {
  bool was = interrupt_pending != 0;
  interrupt_pending = 0;
  return was;
}

/* Every word the prompt knows: commands, functions, parameters, populations
   and their variables (as E.v). */
static void candidates(const Session *s, PtrVec *out) {
  static const char *const words[] = {
    "run", "reset", "set", "params", "plot", "raster", "show", "ir", "asm", "time", "help",
    "quit", "mean", "sum", "std", "min", "max", "count", "rate", "last", "exp", "log", "sqrt",
    "abs", "population", "connect", "const", "param", "monitor", "input", NULL,
  };
  for (int k = 0; words[k]; k++) vec_push(out, xstrdup(words[k]));
  if (!s->model) return;
  for (int64_t k = 0; k < s->model->nparam; k++) vec_push(out, xstrdup(s->model->param[k].name));
  for (int64_t k = 0; k < s->model->npop; k++) {
    const SnnPopulation *p = &s->model->pop[k];
    vec_push(out, xstrdup(p->name));
    StrBuf b = {0};
    sb_printf(&b, "%s.spikes", p->name);
    vec_push(out, b.data);
    for (int64_t v = 0; v < p->nstate; v++) {
      StrBuf m = {0};
      sb_printf(&m, "%s.%s", p->name, p->state[v].name);
      vec_push(out, m.data);
    }
  }
}

/* The readline protocol: state 0 starts a new completion. */
static char *generator(const char *text, int state) {
  PtrVec *list = &completing->completions;
  if (state == 0) {
    for (int k = 0; k < list->len; k++) free(list->items[k]);
    list->len = 0;
    candidates(completing, list);
    completing->completion_next = 0;
  }
  size_t n = strlen(text);
  while (completing->completion_next < list->len) {
    const char *w = list->items[completing->completion_next++];
    if (strncmp(w, text, n) == 0) return xstrdup(w);
  }
  return NULL;
}

static char **complete(const char *text, int start, int end) {
  (void)start;
  (void)end;
  rl_attempted_completion_over = 1;
  return rl_completion_matches(text, generator);
}

static char *history_path(void) {
  const char *env = getenv("SNN_HISTORY");
  if (env && *env) return xstrdup(env);
  const char *home = getenv("HOME");
  if (!home || !*home) return NULL;
  StrBuf b = {0};
  sb_printf(&b, "%s/.snn_history", home);
  return b.data;
}

int repl_main(Session *s, FILE *in) {
  char *history = NULL;
  struct sigaction old_action;
  if (s->interactive) {
    /* Ours, not libedit's (which restores the terminal and re-raises, so
       that Ctrl-C ended the session); no SA_RESTART, so that the prompt's
       read returns. */
    rl_catch_signals = 0;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_action);
    completing = s;
    rl_readline_name = "snn";
    rl_attempted_completion_function = complete;
    /* '.' is part of a word, so E.v completes as one. */
    rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,[+-*/";
    history = history_path();
    if (history) read_history(history);
    fprintf(s->out, "snnc %s: type 'help' for commands, 'quit' to leave.\n", SNN_VERSION);
  }
  int status = repl_session_loop(s, in);
  if (history) {
    if (write_history(history) != 0 && s->interactive)
      fprintf(stderr, "snnc: cannot save the history to %s\n", history);
    free(history);
  }
  completing = NULL;
  if (s->interactive) sigaction(SIGINT, &old_action, NULL);
  return status;
}

static const char repl_help[] =
  "usage: snnc repl [MODEL.snn] [--seed S] [--dt D]\n"
  "Explores a model interactively: run it in steps, change parameters, add\n"
  "populations and connections, evaluate expressions.  Type 'help' at the\n"
  "prompt.  Commands read from a pipe or a file run without prompts and stop\n"
  "at the first error with exit status 1.\n";

static void session_free(Session *s) {
  for (int k = 0; k < s->names.len; k++) free(s->names.items[k]);
  for (int k = 0; k < s->texts.len; k++) free(s->texts.items[k]);
  for (int k = 0; k < s->set_names.len; k++) free(s->set_names.items[k]);
  vec_free(&s->names);
  vec_free(&s->texts);
  vec_free(&s->set_names);
  for (int k = 0; k < s->completions.len; k++) free(s->completions.items[k]);
  vec_free(&s->completions);
  free(s->param);
  for (int k = 0; k < s->nspikes; k++) {
    free(s->spikes[k].step);
    free(s->spikes[k].index);
  }
  free(s->spikes);
  repl_states_free(s->states, s->nstates);
  snnrt_sim_free(s->sim);
  if (s->ir) LLVMDisposeModule(s->ir);
  jit_free(s->jit);
  if (s->compiled) {
    compile_free(s->compiled);
    free(s->compiled);
  }
}

bool repl_start(Session *s, bool seed_given);

int cmd_repl(int argc, char **argv, const DriverOptions *opt) {
  static const struct option opts[] = {
    {"seed", required_argument, NULL, 's'},
    {"dt", required_argument, NULL, 'd'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
  };
  Session s;
  memset(&s, 0, sizeof s);
  s.opt = *opt;
  s.out = stdout;
  s.seed = 1;
  int c;
  bool seed_given = false;
  while ((c = driver_getopt(argc, argv, "h", opts)) != -1) {
    char *end;
    switch (c) {
    case 's':
      s.seed = strtoull(optarg, &end, 10);
      seed_given = true;
      if (*end || end == optarg) {
        driver_error("--seed takes a whole number, not '%s'", optarg);
        return EXIT_USAGE;
      }
      break;
    case 'd': {
      Dim d;
      char err[128];
      if (!unit_parse_quantity(optarg, &s.dt, &d, err, sizeof err) || !dim_eq(d, dim_time()) ||
          !(s.dt > 0)) {
        driver_error("--dt takes a positive time such as 0.1ms, not '%s'", optarg);
        return EXIT_USAGE;
      }
      break;
    }
    case 'h': fputs(repl_help, stdout); return 0;
    default: return EXIT_USAGE; /* driver_getopt said what is wrong */
    }
  }
  if (optind < argc - 1) {
    fputs(repl_help, stderr);
    return EXIT_USAGE;
  }
  s.model_path = optind < argc ? argv[optind] : NULL;
  s.interactive = isatty(0) && isatty(1);
  s.opt.color = s.opt.color && s.interactive;
  if (s.model_path) {
    size_t len;
    char *text = read_file(s.model_path, &len);
    if (!text) {
      driver_error("cannot read '%s': %s", s.model_path, strerror(errno));
      return EXIT_MODEL_ERROR;
    }
    vec_push(&s.names, xstrdup(s.model_path));
    vec_push(&s.texts, text);
  } else {
    vec_push(&s.names, xstrdup("<session>"));
    vec_push(&s.texts, xstrdup(""));
  }
  int status = EXIT_MODEL_ERROR;
  if (repl_start(&s, seed_given)) status = repl_main(&s, stdin);
  session_free(&s);
  return status;
}

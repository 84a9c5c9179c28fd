/*
** cmd_env.c: `snnc env`, environments on their own: list the built-ins,
** show one's spaces and parameters, and run episodes with given or random
** actions, printing every step as a JSON line.
**
** This is how a user checks an environment before a network is put in
** front of it: a library of their own (`snnc env run ./libmyenv.so`), or a
** built-in against a trajectory of Gymnasium's (the tests do exactly that).
*/
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "snnrt_env.h"

static const char env_help[] =
  "usage: snnc env list\n"
  "       snnc env show ENV [--set NAME=VALUE]...\n"
  "       snnc env run ENV [--seed N] [--set NAME=VALUE]... [--episodes N]\n"
  "                        [--actions LIST | --actions-file FILE | --random-actions]\n"
  "ENV is a built-in (cartpole, mountain_car, acrobot) or a shared library\n"
  "(a path with '/' or ending in .so) exporting snn_environment().\n"
  "run prints one JSON line per reset and per step: the observation, and for\n"
  "steps the action, reward, terminated and truncated.  Actions: LIST is\n"
  "comma-separated (a choice per step, or for box actions values separated by\n"
  "spaces); FILE has one action per line; --random-actions draws uniform\n"
  "choices from --seed.  Without actions, run steps with action 0.  Episodes\n"
  "end when the environment ends them or the actions run out.\n";

#define MAX_SETS 64
#define ERR_SIZE 512

static bool is_library(const char *env) {
  size_t n = strlen(env);
  return strchr(env, '/') || (n > 3 && strcmp(env + n - 3, ".so") == 0);
}

static const SnnEnvClass *find_class(const char *env) {
  char err[ERR_SIZE];
  if (is_library(env)) {
    const SnnEnvClass *c = snnrt_env_load(env, err, sizeof err);
    if (!c) driver_error("%s", err);
    return c;
  }
  const SnnEnvClass *c = snnrt_env_find(env);
  if (!c) {
    char names[256] = "";
    for (int k = 0; k < snnrt_env_builtin_count(); k++)
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "",
               snnrt_env_builtin(k)->name);
    driver_error("no built-in environment '%s' (there are %s; a library path needs a '/')", env,
                 names);
  }
  return c;
}

static void print_space(const char *what, const SnnSpace *s) {
  if (s->kind == SNN_SPACE_DISCRETE) {
    printf("  %s: %d choices:", what, (int)s->size);
    for (int k = 0; k < s->size; k++)
      printf(" %d%s%s", k, s->names ? "=" : "", s->names ? s->names[k] : "");
    printf("\n");
    return;
  }
  printf("  %s: box of %d values\n", what, (int)s->size);
  for (int k = 0; k < s->size; k++)
    printf("    %d %-24s [%g, %g]\n", k, s->names ? s->names[k] : "", s->low[k], s->high[k]);
}

static void print_class(const SnnEnvClass *c, const SnnEnv *e) {
  printf("%s: %s\n", c->name, c->summary ? c->summary : "");
  print_space("observation", snnrt_env_observation_space(e));
  print_space("action", snnrt_env_action_space(e));
  printf("  parameters:");
  for (int k = 0; k < c->nparams; k++)
    printf(" %s=%g", c->param_names[k], snnrt_env_param(e, c->param_names[k]));
  printf(" max_steps=%g\n", snnrt_env_param(e, "max_steps"));
}

/* Parses NAME=VALUE. */
static bool parse_set(const char *arg, SnnEnvParam *p) {
  const char *eq = strchr(arg, '=');
  char *end;
  if (!eq || eq == arg) return false;
  p->value = strtod(eq + 1, &end);
  if (end == eq + 1 || *end) return false;
  char *name = strndup(arg, (size_t)(eq - arg));
  if (!name) return false;
  p->name = name;
  return true;
}

typedef struct EnvRunOptions {
  uint64_t seed;
  SnnEnvParam sets[MAX_SETS];
  int nsets;
  long episodes;
  const char *actions;      /* a comma-separated list, or NULL */
  const char *actions_file; /* or a file of them */
  bool random_actions;
} EnvRunOptions;

/* The actions to play, as text: one per element, separated by ',' or '\n'. */
static char *action_text(const EnvRunOptions *o) {
  if (o->actions) return strdup(o->actions);
  if (!o->actions_file) return NULL;
  FILE *f = fopen(o->actions_file, "r");
  if (!f) {
    driver_error("cannot read actions file '%s'", o->actions_file);
    return NULL;
  }
  size_t cap = 4096, len = 0, got;
  char *text = malloc(cap);
  while (text && (got = fread(text + len, 1, cap - len - 1, f)) > 0) {
    len += got;
    if (len + 1 == cap) text = realloc(text, cap *= 2);
  }
  fclose(f);
  if (text) text[len] = 0;
  return text;
}

/* Reads the next action from *cursor into action; false when none is left. */
static bool next_action(char **cursor, const SnnSpace *a, double *action, bool *bad) {
  char *s = *cursor;
  while (s && (*s == ',' || *s == '\n' || *s == ' ' || *s == '\r')) s++;
  if (!s || !*s) return false;
  int n = a->kind == SNN_SPACE_DISCRETE ? 1 : a->size;
  for (int k = 0; k < n; k++) {
    char *end;
    action[k] = strtod(s, &end);
    if (end == s) {
      driver_error("action %d: '%.20s' is not a number", k, s);
      *bad = true;
      return false;
    }
    s = end;
    while (*s == ' ') s++;
  }
  *cursor = s;
  return true;
}

static void print_values(const double *v, int n) {
  printf("[");
  for (int k = 0; k < n; k++) printf("%s%.17g", k ? ", " : "", v[k]);
  printf("]");
}

static int run_episodes(const SnnEnvClass *c, const EnvRunOptions *o) {
  char err[ERR_SIZE];
  SnnEnv *e = snnrt_env_open(c, o->sets, o->nsets, o->seed, err, sizeof err);
  if (!e) {
    driver_error("%s", err);
    return EXIT_MODEL_ERROR;
  }
  const SnnSpace *os = snnrt_env_observation_space(e), *as = snnrt_env_action_space(e);
  double *obs = calloc((size_t)os->size, sizeof(double));
  double *action = calloc((size_t)as->size, sizeof(double));
  char *text = action_text(o), *cursor = text;
  int status = (o->actions_file && !text) || !obs || !action ? EXIT_MODEL_ERROR : 0;
  uint64_t draw = o->seed * 0x9E3779B97F4A7C15ull + 1;
  bool bad = false, out_of_actions = false;
  for (long ep = 1; status == 0 && ep <= o->episodes && !out_of_actions; ep++) {
    if (!snnrt_env_reset(e, obs)) break;
    printf("{\"episode\": %ld, \"step\": 0, \"obs\": ", ep);
    print_values(obs, os->size);
    printf("}\n");
    for (;;) {
      if (o->random_actions) {
        draw ^= draw << 13, draw ^= draw >> 7, draw ^= draw << 17; /* xorshift64 */
        action[0] = as->kind == SNN_SPACE_DISCRETE ? (double)(draw % (uint64_t)as->size) : 0;
      } else if (text && !next_action(&cursor, as, action, &bad)) {
        out_of_actions = true;
        break;
      }
      SnnEnvOutcome out;
      if (!snnrt_env_step(e, action, obs, &out)) break;
      printf("{\"episode\": %ld, \"step\": %lld, \"action\": ", ep,
             (long long)snnrt_env_episode_steps(e));
      print_values(action, as->kind == SNN_SPACE_DISCRETE ? 1 : as->size);
      printf(", \"obs\": ");
      print_values(obs, os->size);
      printf(", \"reward\": %.17g, \"terminated\": %s, \"truncated\": %s}\n", out.reward,
             out.terminated ? "true" : "false", out.truncated ? "true" : "false");
      if (out.terminated || out.truncated) break;
    }
    if (snnrt_env_error(e)[0]) {
      driver_error("%s", snnrt_env_error(e));
      status = EXIT_MODEL_ERROR;
    }
  }
  if (bad) status = EXIT_USAGE;
  free(text);
  free(obs);
  free(action);
  snnrt_env_close(e);
  return status;
}

int cmd_env(int argc, char **argv, const DriverOptions *opt) {
  static const struct option opts[] = {
    {"help", no_argument, NULL, 'h'},         {"seed", required_argument, NULL, 's'},
    {"set", required_argument, NULL, 'p'},    {"episodes", required_argument, NULL, 'e'},
    {"actions", required_argument, NULL, 'a'}, {"actions-file", required_argument, NULL, 'f'},
    {"random-actions", no_argument, NULL, 'r'}, {NULL, 0, NULL, 0},
  };
  EnvRunOptions o = {.seed = 0, .episodes = 1};
  int status = EXIT_USAGE, c;
  char *end;
  while ((c = driver_getopt(argc, argv, "h", opts)) != -1) {
    switch (c) {
    case 'h':
      fputs(env_help, stdout);
      status = 0;
      goto done;
    case 's':
      o.seed = strtoull(optarg, &end, 10);
      if (end == optarg || *end || optarg[0] == '-') {
        driver_error("--seed wants a whole number >= 0, not '%s'", optarg);
        goto done;
      }
      break;
    case 'p':
      if (o.nsets == MAX_SETS || !parse_set(optarg, &o.sets[o.nsets])) {
        driver_error("--set wants NAME=NUMBER (at most %d), not '%s'", MAX_SETS, optarg);
        goto done;
      }
      o.nsets++;
      break;
    case 'e':
      o.episodes = strtol(optarg, &end, 10);
      if (end == optarg || *end || o.episodes < 1 || o.episodes > 1000000) {
        driver_error("--episodes wants a number from 1 to 1000000, not '%s'", optarg);
        goto done;
      }
      break;
    case 'a': o.actions = optarg; break;
    case 'f': o.actions_file = optarg; break;
    case 'r': o.random_actions = true; break;
    default: goto done; /* driver_getopt said what is wrong */
    }
  }
  if ((o.actions != NULL) + (o.actions_file != NULL) + o.random_actions > 1) {
    driver_error("give one of --actions, --actions-file and --random-actions");
    goto done;
  }
  const char *what = optind < argc ? argv[optind] : NULL;
  if (what && strcmp(what, "list") == 0 && optind + 1 == argc) {
    for (int k = 0; k < snnrt_env_builtin_count(); k++) {
      char err[ERR_SIZE];
      SnnEnv *e = snnrt_env_open(snnrt_env_builtin(k), NULL, 0, 0, err, sizeof err);
      if (e) print_class(snnrt_env_builtin(k), e);
      snnrt_env_close(e);
    }
    status = 0;
  } else if (what && (strcmp(what, "show") == 0 || strcmp(what, "run") == 0) &&
             optind + 2 == argc) {
    const SnnEnvClass *cls = find_class(argv[optind + 1]);
    status = EXIT_MODEL_ERROR;
    if (!cls) goto done;
    if (what[0] == 'r') {
      status = run_episodes(cls, &o);
      goto done;
    }
    char err[ERR_SIZE];
    SnnEnv *e = snnrt_env_open(cls, o.sets, o.nsets, o.seed, err, sizeof err);
    if (!e) {
      driver_error("%s", err);
      goto done;
    }
    print_class(cls, e);
    snnrt_env_close(e);
    status = 0;
  } else {
    fputs(env_help, stderr);
  }
done:
  for (int k = 0; k < o.nsets; k++) free((char *)o.sets[k].name);
  (void)opt;
  return status;
}

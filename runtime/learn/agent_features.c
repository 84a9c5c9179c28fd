/*
** agent_features.c: parsing the feature list of Strategy A's agents
** (agent_features.h gives the grammar and every feature with its defaults).
**
** A small recursive-descent reader over the text: names, numbers with
** units (read by units.c, so "100 Hz" and "-70 mV" mean what they mean in
** a model), and named or positional arguments.  Every error names the
** feature and the argument and says where in the text it is.
*/
#include "agent_features.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ARGS = 8, NAME_LEN = 64 };

typedef struct Arg {
  char key[NAME_LEN];      /* empty: positional */
  char name[NAME_LEN];     /* a name as the value, or empty */
  double value;            /* SI */
  Dim dim;
  int at;                  /* offset of the value in the text */
  int key_at;              /* ... of the argument */
  bool used;
} Arg;

typedef struct Reader {
  const char *text;
  const char *p;
  const FeatureContext *c;
  AgentSpec *spec;
  int *where;
  char *err;
  size_t errlen;
} Reader;

static bool fail(Reader *r, int at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool fail(Reader *r, int at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->err, r->errlen, fmt, ap);
  va_end(ap);
  *r->where = at;
  return false;
}

static int offset(const Reader *r) { return (int)(r->p - r->text); }

static void skip_blanks(Reader *r) {
  while (isspace((unsigned char)*r->p)) r->p++;
}

static bool read_name(Reader *r, char *out) {
  skip_blanks(r);
  size_t n = 0;
  if (!isalpha((unsigned char)*r->p) && *r->p != '_') return false;
  while ((isalnum((unsigned char)*r->p) || *r->p == '_') && n + 1 < NAME_LEN) out[n++] = *r->p++;
  out[n] = 0;
  return !isalnum((unsigned char)*r->p) && *r->p != '_';
}

/* A value: a name, or a number with an optional unit, up to ',' or ')'. */
static bool read_value(Reader *r, Arg *a) {
  skip_blanks(r);
  a->at = offset(r);
  if (isalpha((unsigned char)*r->p) || *r->p == '_') return read_name(r, a->name);
  const char *start = r->p;
  while (*r->p && *r->p != ',' && *r->p != ')') r->p++;
  char text[128];
  size_t n = (size_t)(r->p - start);
  if (n == 0 || n >= sizeof text) return fail(r, a->at, "expected a value");
  memcpy(text, start, n);
  text[n] = 0;
  char why[160];
  if (!unit_parse_quantity(text, &a->value, &a->dim, why, sizeof why))
    return fail(r, a->at, "'%s': %s", text, why);
  return true;
}

static bool read_args(Reader *r, Arg *args, int *nargs) {
  *nargs = 0;
  skip_blanks(r);
  if (*r->p != '(') return true;
  r->p++;
  for (;;) {
    skip_blanks(r);
    if (*r->p == ')' && *nargs == 0) break;
    if (*nargs == MAX_ARGS) return fail(r, offset(r), "too many arguments");
    Arg *a = &args[(*nargs)++];
    memset(a, 0, sizeof *a);
    a->key_at = offset(r);
    const char *save = r->p;
    char key[NAME_LEN];
    if (read_name(r, key)) {
      skip_blanks(r);
      if (*r->p == '=') {
        r->p++;
        snprintf(a->key, sizeof a->key, "%s", key);
      } else {
        r->p = save;
      }
    } else {
      r->p = save;
    }
    if (!read_value(r, a)) return false;
    skip_blanks(r);
    if (*r->p == ',') {
      r->p++;
      continue;
    }
    if (*r->p != ')') return fail(r, offset(r), "expected ',' or ')'");
    break;
  }
  r->p++;
  return true;
}

/* The argument named `key`, or the positional one at `position` (-1: none). */
static Arg *find_arg(Arg *args, int nargs, const char *key, int position) {
  int seen = 0;
  for (int k = 0; k < nargs; k++) {
    if (args[k].key[0] ? strcmp(args[k].key, key) == 0 : seen++ == position) {
      args[k].used = true;
      return &args[k];
    }
  }
  return NULL;
}

/* A number argument of dimension `dim`: its value, or `fallback`. */
static bool number_arg(Reader *r, const char *feature, Arg *args, int nargs, const char *key,
                       int position, Dim dim, double fallback, double *out) {
  Arg *a = find_arg(args, nargs, key, position);
  *out = fallback;
  if (!a) return true;
  if (a->name[0]) return fail(r, a->at, "%s: '%s' must be a number, not '%s'", feature, key,
                              a->name);
  if (!dim_eq(a->dim, dim)) {
    char want[96], got[96];
    dim_describe(dim, want, sizeof want);
    dim_describe(a->dim, got, sizeof got);
    return fail(r, a->at, "%s: '%s' must be %s, not %s", feature, key, want, got);
  }
  *out = a->value;
  return true;
}

static bool count_arg(Reader *r, const char *feature, Arg *args, int nargs, const char *key,
                      int position, int64_t fallback, int64_t max, int64_t *out) {
  double v;
  if (!number_arg(r, feature, args, nargs, key, position, dim_none(), (double)fallback, &v))
    return false;
  if (v != floor(v) || v < 1 || v > (double)max) {
    Arg *a = find_arg(args, nargs, key, position);
    return fail(r, a ? a->at : offset(r), "%s: '%s' must be a whole number from 1 to %lld, "
                "not %g", feature, key, (long long)max, v);
  }
  *out = (int64_t)v;
  return true;
}

static bool add_feature(Reader *r, int at, AgentFeature f) {
  AgentSpec *s = r->spec;
  if (s->nfeature == AGENT_MAX_FEATURES)
    return fail(r, at, "at most %d features", AGENT_MAX_FEATURES);
  s->feature[s->nfeature++] = f;
  return true;
}

/* The range [low, high] of a binned feature, with its defaults. */
static bool range_args(Reader *r, const char *feature, Arg *args, int nargs, Dim dim, double lo,
                       double hi, int at, AgentFeature *f) {
  if (!number_arg(r, feature, args, nargs, "low", -1, dim, lo, &f->low) ||
      !number_arg(r, feature, args, nargs, "high", -1, dim, hi, &f->high))
    return false;
  if (!isfinite(f->low) || !isfinite(f->high))
    return fail(r, at, "%s: give its range, as in %s(low = 0, high = 2): there is no bound to "
                "take it from", feature, feature);
  if (!(f->low < f->high))
    return fail(r, at, "%s: low (%g) must be below high (%g)", feature, f->low, f->high);
  return true;
}

/* The named variable of eligibility(c) and post_state(v). */
static bool variable_arg(Reader *r, const char *feature, Arg *args, int nargs, int at,
                         const char *fallback, bool synaptic, Dim *dim, int64_t *index) {
  Arg *a = find_arg(args, nargs, "var", 0);
  const char *name = a ? a->name : fallback;
  if (a && !a->name[0]) return fail(r, a->at, "%s: name the variable, as in %s(%s)", feature,
                                    feature, fallback);
  *index = synaptic ? r->c->synaptic_value(r->c->ctx, name, dim)
                    : r->c->post_state(r->c->ctx, name, dim);
  if (*index < 0)
    return fail(r, a ? a->at : at, "%s: the %s has no %s '%s'%s", feature,
                synaptic ? "synapse" : "postsynaptic neuron",
                synaptic ? "per-synapse value" : "state variable", name,
                synaptic ? " (an eligibility trace is a state of the synapse model, as "
                           "'state c : 1 = 0')" : "");
  return true;
}

static int64_t default_bins(int64_t size) { return size < 16 ? (size > 0 ? size : 1) : 16; }

static bool read_feature(Reader *r) {
  char name[NAME_LEN];
  skip_blanks(r);
  int at = offset(r);
  if (!read_name(r, name)) return fail(r, at, "expected a feature's name");
  Arg args[MAX_ARGS];
  int nargs;
  if (!read_args(r, args, &nargs)) return false;
  const FeatureContext *c = r->c;
  AgentFeature f = {AGENT_WEIGHT, 4, 0, 0, 1, -1};
  Dim hz = dim_div(dim_none(), dim_time());
  bool ok;
  if (strcmp(name, "weight") == 0) {
    f.kind = AGENT_WEIGHT;
    ok = count_arg(r, name, args, nargs, "bins", 0, 8, 1 << 20, &f.bins) &&
         range_args(r, name, args, nargs, c->weight_dim, c->w_low, c->w_high, at, &f) &&
         add_feature(r, at, f);
  } else if (strcmp(name, "position") == 0) {
    int64_t pre, post;
    ok = count_arg(r, name, args, nargs, "pre_bins", -1, default_bins(c->npre), 1 << 20, &pre) &&
         count_arg(r, name, args, nargs, "post_bins", -1, default_bins(c->npost), 1 << 20, &post);
    if (ok && pre > 1) ok = add_feature(r, at, (AgentFeature){AGENT_PRE_INDEX, pre, 0, 0, 0, -1});
    if (ok && post > 1)
      ok = add_feature(r, at, (AgentFeature){AGENT_POST_INDEX, post, 0, 0, 0, -1});
  } else if (strcmp(name, "pre_index") == 0 || strcmp(name, "post_index") == 0) {
    bool pre = name[1] == 'r';
    f.kind = pre ? AGENT_PRE_INDEX : AGENT_POST_INDEX;
    ok = count_arg(r, name, args, nargs, "bins", 0, default_bins(pre ? c->npre : c->npost),
                   1 << 20, &f.bins) && add_feature(r, at, f);
  } else if (strcmp(name, "action_history") == 0 || strcmp(name, "reward_history") == 0) {
    f.kind = name[0] == 'a' ? AGENT_ACTION_HISTORY : AGENT_REWARD_HISTORY;
    ok = count_arg(r, name, args, nargs, "length", 0, 2, AGENT_MAX_HISTORY, &f.length) &&
         add_feature(r, at, f);
  } else if (strcmp(name, "pre_rate") == 0 || strcmp(name, "post_rate") == 0) {
    f.kind = name[1] == 'r' ? AGENT_PRE_RATE : AGENT_POST_RATE;
    ok = count_arg(r, name, args, nargs, "bins", 0, 4, 1 << 20, &f.bins) &&
         range_args(r, name, args, nargs, hz, 0, 100, at, &f) && add_feature(r, at, f);
  } else if (strcmp(name, "eligibility") == 0) {
    Dim d;
    f.kind = AGENT_ELIGIBILITY;
    ok = variable_arg(r, name, args, nargs, at, "c", true, &d, &f.index) &&
         count_arg(r, name, args, nargs, "bins", 1, 4, 1 << 20, &f.bins) &&
         range_args(r, name, args, nargs, d, -1, 1, at, &f) && add_feature(r, at, f);
  } else if (strcmp(name, "post_state") == 0 || strcmp(name, "membrane") == 0) {
    Dim d;
    bool membrane = name[0] == 'm';
    f.kind = AGENT_POST_STATE;
    /* membrane(bins = 4, ...) has no variable argument: it is v. */
    ok = variable_arg(r, name, membrane ? NULL : args, membrane ? 0 : nargs, at, "v", false,
                      &d, &f.index) &&
         count_arg(r, name, args, nargs, "bins", membrane ? 0 : 1, 4, 1 << 20, &f.bins) &&
         range_args(r, name, args, nargs, d, INFINITY, INFINITY, at, &f) &&
         add_feature(r, at, f);
  } else {
    return fail(r, at, "unknown feature '%s'; there are weight, position, pre_index, "
                "post_index, action_history, reward_history, pre_rate, post_rate, eligibility, "
                "post_state and membrane", name);
  }
  if (!ok) return false;
  for (int k = 0; k < nargs; k++)
    if (!args[k].used)
      return fail(r, args[k].key_at, "%s: unexpected argument%s%s", name, args[k].key[0] ? " " : "",
                  args[k].key);
  return true;
}

bool features_parse(const char *text, const FeatureContext *c, AgentSpec *spec, int *where,
                    char *err, size_t errlen) {
  Reader r = {text, text, c, spec, where, err, errlen};
  spec->nfeature = 0;
  *where = 0;
  skip_blanks(&r);
  if (!*r.p) return true; /* no features: one state */
  for (;;) {
    if (!read_feature(&r)) return false;
    skip_blanks(&r);
    if (!*r.p) return true;
    if (*r.p != ',') return fail(&r, offset(&r), "expected ',' between features");
    r.p++;
  }
}

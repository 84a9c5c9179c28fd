/*
** units.c: dimension algebra, the unit name table and quantity parsing.
**
** Unit names are generated, not listed: every base symbol (s, V, A, ...)
** and long name (second, volt, amp, ...) combines with the SI prefixes from
** pico to mega.  Looking a name up first tries it whole ("mol", "Hz"), then
** as prefix + unit ("ms" = milli + s).  Whole names win, so "m" is metre and
** "mm" is a millimetre, never milli-metre-something else.
*/
#include "units.h"

#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct NamedUnit {
  const char *symbol;   /* short form, takes prefixes (NULL: none) */
  const char *long_name; /* long form, takes prefixes */
  const char *alias;    /* another unprefixed spelling, or NULL */
  double scale;
  signed char e[DIM_COUNT]; /* m kg s A K mol cd */
  const char *quantity; /* the quantity this unit measures, for messages */
  bool prefixable;
} NamedUnit;

/* The order matters for dim_format: the first unit with a dimension names it. */
static const NamedUnit named_units[] = {
  {"V", "volt", NULL, 1, {2, 1, -3, -1, 0, 0, 0}, "voltage", true},
  {"A", "amp", "ampere", 1, {0, 0, 0, 1, 0, 0, 0}, "current", true},
  {"S", "siemens", NULL, 1, {-2, -1, 3, 2, 0, 0, 0}, "conductance", true},
  {"F", "farad", NULL, 1, {-2, -1, 4, 2, 0, 0, 0}, "capacitance", true},
  {"ohm", "ohm", NULL, 1, {2, 1, -3, -2, 0, 0, 0}, "resistance", true},
  {"s", "second", NULL, 1, {0, 0, 1, 0, 0, 0, 0}, "time", true},
  {"Hz", "hertz", NULL, 1, {0, 0, -1, 0, 0, 0, 0}, "frequency", true},
  {"m", "metre", "meter", 1, {1, 0, 0, 0, 0, 0, 0}, "length", true},
  {"g", "gram", NULL, 1e-3, {0, 1, 0, 0, 0, 0, 0}, "mass", true},
  {"C", "coulomb", NULL, 1, {0, 0, 1, 1, 0, 0, 0}, "charge", true},
  {"W", "watt", NULL, 1, {2, 1, -3, 0, 0, 0, 0}, "power", true},
  {"J", "joule", NULL, 1, {2, 1, -2, 0, 0, 0, 0}, "energy", true},
  {"K", "kelvin", NULL, 1, {0, 0, 0, 0, 1, 0, 0}, "temperature", false},
  {"mol", "mole", NULL, 1, {0, 0, 0, 0, 0, 1, 0}, "amount of substance", true},
  {"M", "molar", NULL, 1e3, {-3, 0, 0, 0, 0, 1, 0}, "concentration", true},
  {"cd", "candela", NULL, 1, {0, 0, 0, 0, 0, 0, 1}, "luminous intensity", false},
  {NULL, "dimensionless", NULL, 1, {0, 0, 0, 0, 0, 0, 0}, NULL, false},
};

typedef struct Prefix {
  const char *symbol, *long_name;
  double scale;
} Prefix;

static const Prefix prefixes[] = {
  {"p", "pico", 1e-12}, {"n", "nano", 1e-9}, {"u", "micro", 1e-6},
  {"m", "milli", 1e-3}, {"c", "centi", 1e-2}, {"k", "kilo", 1e3},
  {"M", "mega", 1e6},
};

enum { NUM_NAMED = sizeof named_units / sizeof named_units[0] };
enum { NUM_PREFIXES = sizeof prefixes / sizeof prefixes[0] };

/* Quantities without a unit of their own, named for clearer messages. */
static const struct {
  signed char e[DIM_COUNT];
  const char *quantity;
} extra_quantities[] = {
  {{2, 0, 0, 0, 0, 0, 0}, "area"},
  {{2, 1, -4, -1, 0, 0, 0}, "voltage rate"},
  {{0, 0, 0, 0, 0, 0, 0}, "dimensionless"},
};

Dim dim_none(void) {
  Dim d = {{0}};
  return d;
}

Dim dim_time(void) {
  Dim d = {{0}};
  d.e[DIM_TIME] = 1;
  return d;
}

bool dim_eq(Dim a, Dim b) { return memcmp(a.e, b.e, sizeof a.e) == 0; }

bool dim_is_none(Dim d) { return dim_eq(d, dim_none()); }

static signed char clamp_exp(int x) {
  /* Exponents beyond +-100 never occur in a meaningful model; saturating
     keeps a pathological expression (x^100^100) from wrapping around. */
  return (signed char)(x > 100 ? 100 : x < -100 ? -100 : x);
}

Dim dim_mul(Dim a, Dim b) {
  Dim d;
  for (int i = 0; i < DIM_COUNT; i++) d.e[i] = clamp_exp(a.e[i] + b.e[i]);
  return d;
}

Dim dim_div(Dim a, Dim b) {
  Dim d;
  for (int i = 0; i < DIM_COUNT; i++) d.e[i] = clamp_exp(a.e[i] - b.e[i]);
  return d;
}

bool dim_pow(Dim d, int k, Dim *out) {
  for (int i = 0; i < DIM_COUNT; i++) {
    long x = (long)d.e[i] * k;
    if (x > 100 || x < -100) return false;
    out->e[i] = (signed char)x;
  }
  return true;
}

bool dim_root(Dim d, int k, Dim *out) {
  assert(k > 0);
  for (int i = 0; i < DIM_COUNT; i++) {
    if (d.e[i] % k != 0) return false;
    out->e[i] = (signed char)(d.e[i] / k);
  }
  return true;
}

static Dim named_dim(const NamedUnit *u) {
  Dim d;
  memcpy(d.e, u->e, sizeof d.e);
  return d;
}

/* The first prefixable-or-not named unit with exactly this dimension. */
static const NamedUnit *unit_for_dim(Dim d) {
  for (int i = 0; i < NUM_NAMED; i++) {
    const NamedUnit *u = &named_units[i];
    if (u->symbol && dim_eq(named_dim(u), d)) return u;
  }
  return NULL;
}

const char *dim_quantity(Dim d) {
  const NamedUnit *u = unit_for_dim(d);
  if (u) return u->quantity;
  for (size_t i = 0; i < sizeof extra_quantities / sizeof extra_quantities[0]; i++) {
    Dim q;
    memcpy(q.e, extra_quantities[i].e, sizeof q.e);
    if (dim_eq(q, d)) return extra_quantities[i].quantity;
  }
  return NULL;
}

/* Writes a product of base units, numerator then denominator. */
static void format_base_units(Dim d, char *buf, size_t n) {
  static const char *base[DIM_COUNT] = {"m", "kg", "s", "A", "K", "mol", "cd"};
  char num[128] = "", den[128] = "";
  int nnum = 0, nden = 0;
  for (int i = 0; i < DIM_COUNT; i++) {
    int e = d.e[i];
    if (e == 0) continue;
    char *dst = e > 0 ? num : den;
    int *count = e > 0 ? &nnum : &nden;
    int mag = abs(e);
    size_t used = strlen(dst);
    snprintf(dst + used, 128 - used, mag == 1 ? "%s%s" : "%s%s^%d",
             *count ? "*" : "", base[i], mag);
    (*count)++;
  }
  if (!nnum) strcpy(num, "1");
  if (!nden)
    snprintf(buf, n, "%s", num);
  else if (nden == 1)
    snprintf(buf, n, "%s/%s", num, den);
  else
    snprintf(buf, n, "%s/(%s)", num, den);
}

void dim_format(Dim d, char *buf, size_t n) {
  if (dim_is_none(d)) {
    snprintf(buf, n, "1");
    return;
  }
  const NamedUnit *u = unit_for_dim(d);
  if (u) {
    snprintf(buf, n, "%s", u->symbol);
    return;
  }
  /* Rates and densities of a named unit read better than base units:
     V/s, S/m^2, A/m^2, F/m^2. */
  static const Dim per_second = {{0, 0, -1, 0, 0, 0, 0}};
  static const Dim per_area = {{-2, 0, 0, 0, 0, 0, 0}};
  static const Dim per_volume = {{-3, 0, 0, 0, 0, 0, 0}};
  static const Dim second = {{0, 0, 1, 0, 0, 0, 0}};
  const Dim divisors[] = {per_second, per_area, per_volume, second};
  const char *suffixes[] = {"/s", "/m^2", "/m^3", "*s"};
  for (int k = 0; k < 4; k++) {
    Dim rest = dim_div(d, divisors[k]);
    u = unit_for_dim(rest);
    if (u && !dim_is_none(rest)) {
      snprintf(buf, n, "%s%s", u->symbol, suffixes[k]);
      return;
    }
  }
  format_base_units(d, buf, n);
}

void dim_describe(Dim d, char *buf, size_t n) {
  char units[96];
  dim_format(d, units, sizeof units);
  const char *q = dim_quantity(d);
  if (dim_is_none(d))
    snprintf(buf, n, "a dimensionless number");
  else if (q)
    snprintf(buf, n, "%s %s (%s)", strchr("aeiouAEIOU", q[0]) ? "an" : "a", q, units);
  else
    snprintf(buf, n, "a quantity in %s", units);
}

/* Matches name against one unit's unprefixed spellings. */
static bool matches_whole(const NamedUnit *u, const char *name) {
  return (u->symbol && strcmp(u->symbol, name) == 0) ||
         strcmp(u->long_name, name) == 0 ||
         (u->alias && strcmp(u->alias, name) == 0);
}

/* Matches name as prefix + unit, short with short and long with long. */
static bool matches_prefixed(const NamedUnit *u, const char *name, double *scale) {
  if (!u->prefixable) return false;
  for (int p = 0; p < NUM_PREFIXES; p++) {
    const Prefix *pre = &prefixes[p];
    /* centi only makes sense for lengths (cm); elsewhere it reads as a typo. */
    if (pre->scale == 1e-2 && u->e[DIM_LENGTH] != 1) continue;
    size_t ls = strlen(pre->symbol), ll = strlen(pre->long_name);
    if (u->symbol && strncmp(name, pre->symbol, ls) == 0 &&
        strcmp(name + ls, u->symbol) == 0) {
      *scale = pre->scale;
      return true;
    }
    if (strncmp(name, pre->long_name, ll) == 0 &&
        (strcmp(name + ll, u->long_name) == 0 ||
         (u->alias && strcmp(name + ll, u->alias) == 0))) {
      *scale = pre->scale;
      return true;
    }
    /* Brian2's spellings: a short prefix on a long name (msecond, nsiemens). */
    if (strncmp(name, pre->symbol, ls) == 0 &&
        (strcmp(name + ls, u->long_name) == 0 ||
         (u->alias && strcmp(name + ls, u->alias) == 0))) {
      *scale = pre->scale;
      return true;
    }
  }
  return false;
}

bool unit_lookup(const char *name, Unit *out) {
  for (int i = 0; i < NUM_NAMED; i++) {
    if (matches_whole(&named_units[i], name)) {
      out->scale = named_units[i].scale;
      out->dim = named_dim(&named_units[i]);
      return true;
    }
  }
  for (int i = 0; i < NUM_NAMED; i++) {
    double scale;
    if (matches_prefixed(&named_units[i], name, &scale)) {
      out->scale = scale * named_units[i].scale;
      out->dim = named_dim(&named_units[i]);
      return true;
    }
  }
  return false;
}

const char *unit_typical(Dim d) {
  static const char *const names[] = {"mV", "ms", "nA", "nS", "pF", "Hz", "Mohm", "um", "mM"};
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    Unit u;
    if (unit_lookup(names[k], &u) && dim_eq(u.dim, d)) return names[k];
  }
  return NULL;
}

int edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return INT_MAX;
  int row[64];
  for (size_t j = 0; j <= lb; j++) row[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    int diag = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= lb; j++) {
      int up = row[j];
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int best = diag + cost;
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

/* Considers one candidate name for unit_suggest. */
static void consider(const char *name, const char *cand, const char **best, int *best_d) {
  int d = edit_distance(name, cand);
  if (d < *best_d) {
    *best_d = d;
    *best = cand;
  }
}

const char *unit_suggest(const char *name) {
  /* Suggest only the spellings people write most; a static list keeps the
     returned pointer valid without allocation. */
  static const char *common[] = {
    "ms", "s", "us", "mV", "V", "uV", "nA", "pA", "uA", "mA", "A", "nS", "uS",
    "mS", "pS", "S", "pF", "nF", "uF", "F", "Hz", "kHz", "ohm", "kohm", "Mohm",
    "um", "mm", "cm", "m", "mM", "uM", "nM", "siemens", "farad", "volt",
    "amp", "second", "metre", "hertz", "msecond", "mvolt", "nsiemens",
  };
  const char *best = NULL;
  int best_d = 3;
  /* A difference of case only ("mv", "hz") is the most likely typo. */
  for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
    if (strcasecmp(name, common[i]) == 0) return common[i];
  for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
    consider(name, common[i], &best, &best_d);
  if (best && best_d >= (int)strlen(name)) return NULL;
  return best;
}

/* Parses one factor of a unit expression: name or name^int. */
static bool parse_unit_factor(const char **p, Unit *u, char *err, size_t errlen) {
  const char *s = *p;
  while (isspace((unsigned char)*s)) s++;
  char name[64];
  size_t n = 0;
  while ((isalnum((unsigned char)*s) || *s == '_') && n + 1 < sizeof name) name[n++] = *s++;
  name[n] = 0;
  if (n == 0) {
    snprintf(err, errlen, "expected a unit name at '%s'", s);
    return false;
  }
  if (strcmp(name, "1") == 0) {
    u->scale = 1;
    u->dim = dim_none();
  } else if (!unit_lookup(name, u)) {
    snprintf(err, errlen, "unknown unit '%s'", name);
    return false;
  }
  while (isspace((unsigned char)*s)) s++;
  if (*s == '^') {
    char *end;
    long k = strtol(s + 1, &end, 10);
    if (end == s + 1 || k < -20 || k > 20 || !dim_pow(u->dim, (int)k, &u->dim)) {
      snprintf(err, errlen, "bad exponent after '%s^'", name);
      return false;
    }
    u->scale = pow(u->scale, (double)k);
    s = end;
  }
  *p = s;
  return true;
}

bool unit_parse(const char *text, Unit *out, char *err, size_t errlen) {
  const char *p = text;
  Unit acc = {1.0, dim_none()};
  int op = '*';
  for (;;) {
    Unit f;
    if (!parse_unit_factor(&p, &f, err, errlen)) return false;
    acc.scale = op == '*' ? acc.scale * f.scale : acc.scale / f.scale;
    acc.dim = op == '*' ? dim_mul(acc.dim, f.dim) : dim_div(acc.dim, f.dim);
    while (isspace((unsigned char)*p)) p++;
    if (*p == 0) break;
    if (*p != '*' && *p != '/') {
      snprintf(err, errlen, "unexpected '%c' in unit '%s'", *p, text);
      return false;
    }
    op = *p++;
  }
  *out = acc;
  return true;
}

bool unit_parse_quantity(const char *text, double *value_si, Dim *dim, char *err,
                         size_t errlen) {
  char *end;
  double x = strtod(text, &end);
  if (end == text) {
    snprintf(err, errlen, "'%s' does not start with a number", text);
    return false;
  }
  if (!isfinite(x)) {
    snprintf(err, errlen, "'%s' is not a finite number", text);
    return false;
  }
  while (isspace((unsigned char)*end)) end++;
  if (*end == 0) {
    *value_si = x;
    *dim = dim_none();
    return true;
  }
  Unit u;
  if (!unit_parse(end, &u, err, errlen)) return false;
  *value_si = x * u.scale;
  *dim = u.dim;
  return true;
}

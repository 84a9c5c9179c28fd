/*
** units.h: physical dimensions and the table of unit names.
**
** A dimension is a vector of seven small integer exponents over the SI base
** quantities (length, mass, time, current, temperature, amount, luminous
** intensity).  A unit is a dimension plus the scale that converts a number
** in that unit to SI: 20 ms is 20 * 1e-3 s.  The compiler works in SI
** internally; units only exist at compile time and in output metadata.
*/
#ifndef SNN_UNITS_H
#define SNN_UNITS_H

#include <stdbool.h>
#include <stddef.h>

enum {
  DIM_LENGTH, DIM_MASS, DIM_TIME, DIM_CURRENT,
  DIM_TEMPERATURE, DIM_AMOUNT, DIM_LUMINOSITY,
  DIM_COUNT
};

/* Exponents of the SI base dimensions. */
typedef struct Dim {
  signed char e[DIM_COUNT];
} Dim;

/* A named unit: value_in_SI = number * scale. */
typedef struct Unit {
  double scale;
  Dim dim;
} Unit;

/* The dimension of pure numbers. */
Dim dim_none(void);
/* The dimension of time. */
Dim dim_time(void);
/* True if both dimensions are equal. */
bool dim_eq(Dim a, Dim b);
/* True for pure numbers. */
bool dim_is_none(Dim d);
/* a * b. */
Dim dim_mul(Dim a, Dim b);
/* a / b. */
Dim dim_div(Dim a, Dim b);
/* d^k for an integer k; false if an exponent would overflow. */
bool dim_pow(Dim d, int k, Dim *out);
/* d^(1/k); false if some exponent is not divisible by k. */
bool dim_root(Dim d, int k, Dim *out);
/* Writes the dimension as SI units ("V", "V/s", "kg*m^2/(s^3*A)", "1"). */
void dim_format(Dim d, char *buf, size_t n);
/* The physical quantity a dimension measures ("voltage"), or NULL. */
const char *dim_quantity(Dim d);
/* Writes "a voltage (V)", "a dimensionless number" or "a quantity in V*s". */
void dim_describe(Dim d, char *buf, size_t n);

/* Looks a unit name up (mV, nS, Hz, siemens, ...); false if unknown. */
bool unit_lookup(const char *name, Unit *out);
/* The known unit whose name is nearest to `name` (for "did you mean"), or NULL. */
const char *unit_suggest(const char *name);
/* Parses "10 ms", "-65mV", "2 mV/ms", "0.5" into an SI value and dimension;
   false (with a message in err) if the text is not a quantity. */
bool unit_parse_quantity(const char *text, double *value_si, Dim *dim,
                         char *err, size_t errlen);
/* Parses a unit expression ("mV", "mV/ms", "siemens/cm^2", "1"). */
bool unit_parse(const char *text, Unit *out, char *err, size_t errlen);

/* The unit modellers usually write a quantity in (mV for voltages), or NULL. */
const char *unit_typical(Dim d);
/* Edit distance between two short strings (for suggestions). */
int edit_distance(const char *a, const char *b);

#endif

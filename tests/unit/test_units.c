/*
** test_units.c: dimension algebra, unit names and prefixes, quantity parsing.
*/
#include "test.h"
#include "units.h"

static Dim dim_of(const char *unit) {
  Unit u = {0, {{0}}};
  CHECK(unit_lookup(unit, &u));
  return u.dim;
}

static double scale_of(const char *unit) {
  Unit u = {0, {{0}}};
  return unit_lookup(unit, &u) ? u.scale : -1;
}

static void test_algebra(void) {
  Dim v = dim_of("V"), a = dim_of("A"), s = dim_of("s"), ohm = dim_of("ohm");
  CHECK(dim_eq(dim_div(v, a), ohm));                    /* Ohm's law */
  CHECK(dim_eq(dim_mul(dim_of("S"), v), a));
  CHECK(dim_eq(dim_mul(dim_of("F"), v), dim_of("C")));  /* Q = C V */
  CHECK(dim_eq(dim_div(dim_of("C"), s), a));
  CHECK(dim_eq(dim_mul(dim_of("Hz"), s), dim_none()));
  CHECK(dim_eq(dim_mul(ohm, dim_of("F")), s));          /* tau = R C */
  Dim sq;
  CHECK(dim_pow(v, 2, &sq));
  Dim root;
  CHECK(dim_root(sq, 2, &root) && dim_eq(root, v));
  CHECK(!dim_root(v, 2, &root));                        /* odd exponents */
  CHECK(dim_pow(s, -1, &sq) && dim_eq(sq, dim_of("Hz")));
  CHECK(!dim_pow(v, 1000, &sq));                        /* overflow is refused */
  CHECK(dim_is_none(dim_div(v, v)));
  CHECK(!dim_eq(v, a));
}

static void test_prefixes(void) {
  CHECK_NEAR(scale_of("pA"), 1e-12, 1e-27);
  CHECK_NEAR(scale_of("nS"), 1e-9, 1e-24);
  CHECK_NEAR(scale_of("uF"), 1e-6, 1e-21);
  CHECK_NEAR(scale_of("ms"), 1e-3, 1e-18);
  CHECK_NEAR(scale_of("kHz"), 1e3, 1e-9);
  CHECK_NEAR(scale_of("Mohm"), 1e6, 1e-6);
  CHECK_NEAR(scale_of("cm"), 1e-2, 1e-17);
  CHECK_NEAR(scale_of("mm"), 1e-3, 1e-18);              /* milli-metre, not metre-metre */
  CHECK_NEAR(scale_of("m"), 1, 0);
  CHECK_NEAR(scale_of("kg"), 1, 1e-15);
  CHECK_NEAR(scale_of("g"), 1e-3, 1e-18);
  CHECK_NEAR(scale_of("mM"), 1.0, 1e-15);               /* millimolar = mol/m^3 */
  CHECK_NEAR(scale_of("msecond"), 1e-3, 1e-18);         /* Brian2 spelling */
  CHECK_NEAR(scale_of("millivolt"), 1e-3, 1e-18);
  CHECK_NEAR(scale_of("nsiemens"), 1e-9, 1e-24);
  CHECK_NEAR(scale_of("cd"), 1, 0);                     /* candela, not centi-day */
  CHECK(scale_of("cV") < 0);                            /* centi only for lengths */
  CHECK(scale_of("Gs") < 0);                            /* no giga */
  CHECK(scale_of("fF") < 0);                            /* no femto */
  CHECK(scale_of("mKelvin") < 0);
  CHECK(scale_of("") < 0);
  CHECK(dim_eq(dim_of("mV"), dim_of("volt")));
  CHECK(dim_eq(dim_of("metre"), dim_of("meter")));
}

static void test_format(void) {
  char buf[64];
  dim_format(dim_of("mV"), buf, sizeof buf);
  CHECK_STR(buf, "V");
  dim_format(dim_div(dim_of("V"), dim_of("s")), buf, sizeof buf);
  CHECK_STR(buf, "V/s");
  dim_format(dim_none(), buf, sizeof buf);
  CHECK_STR(buf, "1");
  Dim area;
  dim_pow(dim_of("m"), 2, &area);
  dim_format(dim_div(dim_of("S"), area), buf, sizeof buf);
  CHECK_STR(buf, "S/m^2");
  dim_format(dim_mul(dim_of("V"), dim_of("s")), buf, sizeof buf);
  CHECK_STR(buf, "V*s");
  dim_describe(dim_of("nA"), buf, sizeof buf);
  CHECK_STR(buf, "a current (A)");
  dim_describe(dim_mul(dim_of("V"), dim_of("s")), buf, sizeof buf);
  CHECK_STR(buf, "a quantity in V*s");
  dim_describe(dim_none(), buf, sizeof buf);
  CHECK_STR(buf, "a dimensionless number");
  CHECK_STR(dim_quantity(dim_of("ms")), "time");
}

static void test_quantities(void) {
  double v;
  Dim d;
  char err[128];
  CHECK(unit_parse_quantity("10ms", &v, &d, err, sizeof err));
  CHECK_NEAR(v, 0.01, 1e-17);
  CHECK(dim_eq(d, dim_time()));
  CHECK(unit_parse_quantity("-65 mV", &v, &d, err, sizeof err));
  CHECK_NEAR(v, -0.065, 1e-17);
  CHECK(unit_parse_quantity("2 mV/ms", &v, &d, err, sizeof err));
  CHECK_NEAR(v, 2.0, 1e-12);
  CHECK(dim_eq(d, dim_div(dim_of("V"), dim_of("s"))));
  CHECK(unit_parse_quantity("5e-5 siemens/cm^2", &v, &d, err, sizeof err));
  CHECK_NEAR(v, 0.5, 1e-12);
  CHECK(unit_parse_quantity("0.5", &v, &d, err, sizeof err) && dim_is_none(d));
  CHECK(!unit_parse_quantity("ms", &v, &d, err, sizeof err));
  CHECK(!unit_parse_quantity("10 parsec", &v, &d, err, sizeof err));
  CHECK_STR(err, "unknown unit 'parsec'");
  CHECK(!unit_parse_quantity("1e999 ms", &v, &d, err, sizeof err));
  CHECK(!unit_parse_quantity("3 mV ms", &v, &d, err, sizeof err));
  Unit u;
  CHECK(unit_parse("uF/cm^2", &u, err, sizeof err));
  CHECK_NEAR(u.scale, 1e-2, 1e-16);
  CHECK(!unit_parse("mV^x", &u, err, sizeof err));
}

static void test_suggestions(void) {
  CHECK_STR(unit_suggest("mv"), "mV");
  CHECK_STR(unit_suggest("mss"), "ms");
  CHECK(unit_suggest("banana") == NULL);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
}

int main(void) {
  test_algebra();
  test_prefixes();
  test_format();
  test_quantities();
  test_suggestions();
  return test_report("test_units");
}

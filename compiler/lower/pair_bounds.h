/*
** pair_bounds.h: what a connection's `where` condition says about the
** range of one index given the other, so that building the network visits
** only the pairs that can qualify.
**
** A condition such as `abs(i - 4 * j) < 10 and j >= i` implies, for each
** fixed i, that j lies in an interval, and for each fixed j, that i does.
** pair_bounds() finds the comparisons, joined by `and`, whose two sides
** are affine in one index x (i or j): each gives D(i, j) <= 0 (or == 0)
** with D affine in x.  The run-time evaluates D at x = 0 and x = 1 for the
** fixed other index, which gives the bound on x exactly, without
** the compiler having to solve anything.  `abs(E) < C` with E affine in x
** gives two such comparisons.  Comparisons of any other form, and `or`,
** set no bound: the condition itself still decides every visited pair, so
** bounds only ever save work.
*/
#ifndef SNN_PAIR_BOUNDS_H
#define SNN_PAIR_BOUNDS_H

#include "model.h"

enum { PAIR_MAX_BOUNDS = 8 };

/* D = sign_e * e + sign_c * c (c may be NULL: 0) satisfies D <= 0, or
   D == 0 when `equal`, wherever the condition holds; D is affine in the
   index `index` (VAR_I or VAR_J). */
typedef struct PairBound {
  const Expr *e, *c;
  int sign_e, sign_c;
  int index;
  bool equal;
} PairBound;

/* The bounds of a `where` condition, at most PAIR_MAX_BOUNDS of them. */
int pair_bounds(const Expr *where, PairBound *out);

#endif

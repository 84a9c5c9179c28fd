/*
** team.c: worker threads for the parallel phases of a step.
**
** Each phase is a generation: the caller publishes the function and bumps
** the generation counter; workers see it, run their share, and count
** themselves done.  Waiting spins for a few microseconds (a phase of a
** small network is shorter than a system call), then yields the CPU
** between checks, and after a long wait sleeps on a condition variable.
** The spin has no PAUSE instruction: on virtual machines PAUSE loops make
** the hypervisor deschedule the spinning vCPU, which then reacts late.
*/
#include "team.h"

#include <assert.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>

enum { SPIN_LIMIT = 20000 };

struct Team {
  Sim *sim;
  int n;
  pthread_t threads[SIM_MAX_THREADS];
  void (*fn)(Sim *, int, int);
  atomic_long generation;
  atomic_int done;
  atomic_bool stop;
  atomic_int sleepers;      /* workers waiting on the condition variable */
  pthread_mutex_t lock;
  pthread_cond_t wake;
  int32_t *scratch;
};

typedef struct Worker {
  Team *team;
  int index;
} Worker;

/* Waits until *value != old (spinning first, then sleeping). */
static long wait_generation(Team *t, long old) {
  for (int k = 0; k < SPIN_LIMIT; k++) {
    long g = atomic_load_explicit(&t->generation, memory_order_acquire);
    if (g != old) return g;
    if (k > 4000) sched_yield();
  }
  pthread_mutex_lock(&t->lock);
  atomic_fetch_add(&t->sleepers, 1);
  long g;
  while ((g = atomic_load_explicit(&t->generation, memory_order_acquire)) == old)
    pthread_cond_wait(&t->wake, &t->lock);
  atomic_fetch_sub(&t->sleepers, 1);
  pthread_mutex_unlock(&t->lock);
  return g;
}

static void *worker_main(void *arg) {
  Worker *w = arg;
  Team *t = w->team;
  int index = w->index;
  free(w);
  long seen = 0;
  for (;;) {
    seen = wait_generation(t, seen);
    if (atomic_load(&t->stop)) break;
    t->fn(t->sim, index, t->n);
    atomic_fetch_add_explicit(&t->done, 1, memory_order_acq_rel);
  }
  return NULL;
}

bool team_start(Sim *s, int nthreads) {
  if (nthreads > SIM_MAX_THREADS) nthreads = SIM_MAX_THREADS;
  Team *t = calloc(1, sizeof *t);
  if (!t) return false;
  t->sim = s;
  t->n = nthreads;
  t->scratch = calloc((size_t)s->model->npop + 1, sizeof(int32_t));
  pthread_mutex_init(&t->lock, NULL);
  pthread_cond_init(&t->wake, NULL);
  s->team = t;
  for (int k = 1; k < nthreads; k++) {
    Worker *w = malloc(sizeof *w);
    if (!w || !t->scratch) {
      free(w);
      t->n = k;
      team_stop(s);
      return false;
    }
    w->team = t;
    w->index = k;
    /* Workers take no signals: a handler (Ctrl-C in the REPL, say) runs on
       the thread that drives the simulation. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int failed = pthread_create(&t->threads[k], NULL, worker_main, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (failed != 0) {
      free(w);
      t->n = k;
      team_stop(s);
      return false;
    }
  }
  return true;
}

/* Starts a new phase.  Spinning workers see the new generation at once;
   the lock and broadcast are only needed for workers that went to sleep
   (a sleeper registers under the lock before it re-checks the generation,
   so it cannot miss the broadcast). */
static void publish(Team *t) {
  atomic_fetch_add_explicit(&t->generation, 1, memory_order_seq_cst);
  if (atomic_load_explicit(&t->sleepers, memory_order_seq_cst) > 0) {
    pthread_mutex_lock(&t->lock);
    pthread_cond_broadcast(&t->wake);
    pthread_mutex_unlock(&t->lock);
  }
}

void team_run(Sim *s, void (*fn)(Sim *, int, int)) {
  Team *t = s->team;
  t->fn = fn;
  atomic_store_explicit(&t->done, 0, memory_order_release);
  publish(t);
  fn(s, 0, t->n);
  for (int k = 0; atomic_load_explicit(&t->done, memory_order_acquire) < t->n - 1; k++)
    if (k > 4000) sched_yield();
  /* Each worker runs a phase once: more would mean one ran it twice. */
  assert(atomic_load(&t->done) == t->n - 1);
}

void team_stop(Sim *s) {
  Team *t = s->team;
  if (!t) return;
  atomic_store(&t->stop, true);
  publish(t);
  for (int k = 1; k < t->n; k++) pthread_join(t->threads[k], NULL);
  pthread_mutex_destroy(&t->lock);
  pthread_cond_destroy(&t->wake);
  free(t->scratch);
  free(t);
  s->team = NULL;
}

int team_size(const Team *t) { return t->n; }

int32_t *team_scratch(Team *t) { return t->scratch; }

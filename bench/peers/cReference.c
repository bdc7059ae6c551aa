/*
 * The C reference of `npm run bench`: per-sample SGD on a dense tanh network with a linear
 * output and the loss ½Σ(y − ŷ)², and per-sample prediction — the same loop as the benchmark's
 * hand-written JavaScript reference, compiled on the spot with gcc -O3 -march=native
 * -ffp-contract=off (no fast-math, no fused multiply-add: the same IEEE arithmetic as
 * JavaScript and WebAssembly).
 *
 * Usage: cReference DATA L0 L1 … Lk
 *   DATA holds, as little-endian float64: the initial weights of each layer (one row per
 *   neuron, then the biases), then the samples (inputs, then targets). The network's sizes
 *   are L0 (inputs) … Lk (outputs).
 * Then, one command per line on standard input:
 *   train FROM TO      SGD (η = 0.01) on samples [FROM, TO): prints CPU-s, wall-s, mean loss
 *   predict FROM TO    forward only: prints CPU-s, wall-s, mean of the first output
 *   quit
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RATE 0.01
#define MAX_LAYERS 8

static int L;                   /* number of weight layers */
static int sizes[MAX_LAYERS + 1];
static double *weights[MAX_LAYERS], *biases[MAX_LAYERS];
static double *acts[MAX_LAYERS + 1], *deltas[MAX_LAYERS + 1];
static double *samples;
static long sampleCount;

static double seconds(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void forward(const double *x) {
  memcpy(acts[0], x, sizeof(double) * sizes[0]);
  for (int k = 0; k < L; k++) {
    const double *w = weights[k], *b = biases[k], *a = acts[k];
    double *out = acts[k + 1];
    int fanIn = sizes[k], hidden = k < L - 1;
    for (int j = 0; j < sizes[k + 1]; j++) {
      double s = b[j];
      const double *row = w + (long)j * fanIn;
      for (int i = 0; i < fanIn; i++) s += row[i] * a[i];
      out[j] = hidden ? tanh(s) : s;
    }
  }
}

/* One SGD step on one sample: forward, then one sweep per layer that propagates the error and
 * changes each weight in the same pass. Returns the sample's loss. */
static double trainOne(const double *x, const double *y) {
  forward(x);
  double loss = 0;
  double *top = deltas[L];
  for (int j = 0; j < sizes[L]; j++) {
    double d = acts[L][j] - y[j];
    top[j] = d;
    loss += 0.5 * d * d;
  }
  for (int k = L - 1; k >= 0; k--) {
    double *w = weights[k], *b = biases[k];
    const double *a = acts[k], *d = deltas[k + 1];
    double *back = deltas[k];
    int fanIn = sizes[k];
    if (k > 0) memset(back, 0, sizeof(double) * fanIn);
    for (int j = 0; j < sizes[k + 1]; j++) {
      double dj = d[j];
      double *row = w + (long)j * fanIn;
      if (k > 0) {
        for (int i = 0; i < fanIn; i++) {
          back[i] += row[i] * dj;
          row[i] -= RATE * dj * a[i];
        }
      } else {
        for (int i = 0; i < fanIn; i++) row[i] -= RATE * dj * a[i];
      }
      b[j] -= RATE * dj;
    }
    if (k > 0)
      for (int i = 0; i < fanIn; i++) back[i] *= 1 - a[i] * a[i];
  }
  return loss;
}

int main(int argc, char **argv) {
  if (argc < 4 || argc - 2 > MAX_LAYERS + 1) {
    fprintf(stderr, "usage: cReference DATA L0 L1 ... Lk\n");
    return 2;
  }
  L = argc - 3;
  for (int k = 0; k <= L; k++) sizes[k] = atoi(argv[k + 2]);
  FILE *file = fopen(argv[1], "rb");
  if (!file) {
    perror(argv[1]);
    return 2;
  }
  for (int k = 0; k < L; k++) {
    long w = (long)sizes[k] * sizes[k + 1];
    weights[k] = malloc(sizeof(double) * w);
    biases[k] = malloc(sizeof(double) * sizes[k + 1]);
    if (fread(weights[k], sizeof(double), w, file) != (size_t)w ||
        fread(biases[k], sizeof(double), sizes[k + 1], file) != (size_t)sizes[k + 1]) {
      fprintf(stderr, "cReference: %s: short weights\n", argv[1]);
      return 2;
    }
  }
  for (int k = 0; k <= L; k++) {
    acts[k] = calloc(sizes[k], sizeof(double));
    deltas[k] = calloc(sizes[k], sizeof(double));
  }
  long start = ftell(file);
  fseek(file, 0, SEEK_END);
  long bytes = ftell(file) - start;
  fseek(file, start, SEEK_SET);
  int width = sizes[0] + sizes[L];
  sampleCount = bytes / (long)(sizeof(double) * width);
  samples = malloc(bytes);
  if (fread(samples, 1, bytes, file) != (size_t)bytes) {
    fprintf(stderr, "cReference: %s: short samples\n", argv[1]);
    return 2;
  }
  fclose(file);

  char command[32];
  long from, to;
  while (scanf("%31s", command) == 1) {
    if (strcmp(command, "quit") == 0) break;
    if (scanf("%ld %ld", &from, &to) != 2 || from < 0 || to > sampleCount || from >= to) {
      fprintf(stderr, "cReference: bad command\n");
      return 2;
    }
    int training = strcmp(command, "train") == 0;
    double cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID), wall0 = seconds(CLOCK_MONOTONIC);
    double total = 0;
    for (long n = from; n < to; n++) {
      const double *x = samples + n * width;
      if (training) {
        total += trainOne(x, x + sizes[0]);
      } else {
        forward(x);
        total += acts[L][0];
      }
    }
    double cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0, wall = seconds(CLOCK_MONOTONIC) - wall0;
    printf("%.9f %.9f %.17g\n", cpu, wall, total / (double)(to - from));
    fflush(stdout);
  }
  return 0;
}

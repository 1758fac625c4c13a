/*
 * mcloop.c: the C reference loop of the Monte Carlo benchmark (see
 * ../simbench.go). It does only the Monte Carlo: Vose alias tables per state,
 * then RUNS paths of up to HORIZON steps from the initial state, one 64-bit
 * draw per step (the high half of draw*count picks the slot, the low half
 * is compared with the slot's threshold, as truce's sampler does), counting
 * steps per state and the paths that end in each terminal state.
 *
 *   cc -O2 -o mcloop mcloop.c && ./mcloop chain.txt 20000 1000
 *
 * chain.txt is simbench.ChainText (outcomes per (joint action, successor))
 * or simbench.StateChainText (outcomes per successor, what truce samples);
 * BenchmarkCLoop writes both. Prints the steps, the CPU seconds of
 * the loop (alias tables included, reading excluded), steps per CPU-second
 * and the share of paths ending in each terminal state.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
	uint64_t thr;
	int32_t next[2];
} slot;

static uint64_t splitmix64(uint64_t x) {
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* xoshiro256** */
static inline uint64_t next64(uint64_t s[4]) {
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

static uint64_t threshold(double p) {
	if (p <= 0) return 0;
	if (p >= 1) return UINT64_MAX;
	return (uint64_t)(p * 18446744073709551616.0);
}

int main(int argc, char **argv) {
	if (argc != 4) {
		fprintf(stderr, "usage: mcloop CHAIN RUNS HORIZON\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	long runs = atol(argv[2]), H = atol(argv[3]);
	int n, init;
	if (fscanf(f, "%d %d", &n, &init) != 2) return 1;
	int *off = calloc(n + 1, sizeof *off), *cnt = calloc(n, sizeof *cnt);
	double **ps = calloc(n, sizeof *ps);
	int **nx = calloc(n, sizeof *nx);
	for (int s = 0; s < n; s++) {
		if (fscanf(f, "%d", &cnt[s]) != 1) return 1;
		ps[s] = malloc((cnt[s] + 1) * sizeof(double));
		nx[s] = malloc((cnt[s] + 1) * sizeof(int));
		for (int i = 0; i < cnt[s]; i++)
			if (fscanf(f, "%lf %d", &ps[s][i], &nx[s][i]) != 2) return 1;
		off[s + 1] = off[s] + cnt[s];
	}
	fclose(f);

	clock_t c0 = clock();
	slot *slots = malloc((off[n] + 1) * sizeof *slots);
	double *sc = malloc((off[n] + 1) * sizeof(double));
	int *small = malloc((off[n] + 1) * sizeof(int)), *large = malloc((off[n] + 1) * sizeof(int));
	for (int s = 0; s < n; s++) {
		int k = cnt[s], ns = 0, nl = 0;
		slot *sl = slots + off[s];
		double sum = 0;
		for (int i = 0; i < k; i++) sum += ps[s][i];
		for (int i = 0; i < k; i++) {
			sc[i] = ps[s][i] / sum * k;
			if (sc[i] < 1) small[ns++] = i; else large[nl++] = i;
		}
		while (ns > 0 && nl > 0) {
			int a = small[--ns], l = large[nl - 1];
			sl[a].thr = threshold(sc[a]);
			sl[a].next[0] = nx[s][a];
			sl[a].next[1] = nx[s][l];
			sc[l] -= 1 - sc[a];
			if (sc[l] < 1) {
				nl--;
				small[ns++] = l;
			}
		}
		while (ns > 0) { int i = small[--ns]; sl[i].thr = UINT64_MAX; sl[i].next[0] = sl[i].next[1] = nx[s][i]; }
		while (nl > 0) { int i = large[--nl]; sl[i].thr = UINT64_MAX; sl[i].next[0] = sl[i].next[1] = nx[s][i]; }
	}

	long long steps = 0;
	long long *occ = calloc(n, sizeof *occ), *ended = calloc(n, sizeof *ended);
	for (long path = 0; path < runs; path++) {
		uint64_t st[4], x = splitmix64(1 ^ splitmix64((uint64_t)path));
		for (int i = 0; i < 4; i++) st[i] = x = splitmix64(x);
		int s = init;
		for (long t = 0; t < H; t++) {
			if (cnt[s] == 0) break;
			occ[s]++;
			steps++;
			unsigned __int128 m = (unsigned __int128)next64(st) * (uint64_t)cnt[s];
			const slot *sl = &slots[off[s] + (int)(uint64_t)(m >> 64)];
			s = sl->next[(uint64_t)m >= sl->thr];
		}
		if (cnt[s] == 0) ended[s]++;
	}
	double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
	printf("steps %lld\ncpu_seconds %.4f\nsteps_per_cpu_second %.4g\n", steps, cpu, steps / cpu);
	for (int s = 0; s < n; s++)
		if (cnt[s] == 0) printf("ended_in %d %.4f\n", s, (double)ended[s] / runs);
	return 0;
}

#!/usr/bin/env python3
"""Solve the games written by TestWriteSGameSolverGames (equilibrium
package) with sGameSolver's QRE homotopy and compare with truce's answer.

Usage: sgamesolver_bench.py DIR [RUNS]

For every DIR/*.json it builds sGameSolver's SGame from the arrays, runs
QRE(game).solver_setup(); .solve() RUNS times (default 3) and keeps the
least CPU time (time.process_time, solving only: the Python start and the
imports are not counted, as truce's time counts only its Solve). It then
prints one line per game: both CPU times, their ratio, truce's path steps,
and the largest difference between the two equilibria's strategies and
values (the same equilibrium gives differences at the solvers' tolerances;
a large difference means the two paths ended at different equilibria and
the timing compares different work). Run it single-threaded
(OMP_NUM_THREADS=1), as scripts/bench-sgamesolver.sh does.
"""

import glob
import io
import json
import os
import statistics
import sys
import time
import contextlib

import numpy as np
import sgamesolver


def solve(game_json, runs):
    u = [np.array(x, dtype=np.float64) for x in game_json["U"]]
    phi = [np.array(x, dtype=np.float64) for x in game_json["Phi"]]
    game = sgamesolver.SGame(u, phi, game_json["Delta"])
    best = float("inf")
    eq = None
    for _ in range(runs):
        qre = sgamesolver.homotopy.QRE(game)
        sink = io.StringIO()
        t0 = time.process_time()
        with contextlib.redirect_stdout(sink):
            qre.solver_setup()
            qre.solve()
        t = time.process_time() - t0
        best = min(best, t)
        eq = qre.equilibrium
    return best, eq, type(qre).__name__


def gain(g, sigma):
    """The largest one-shot deviation gain of profile sigma[s][p][k] in
    the game g (values by one linear solve per player)."""
    nS = len(g["U"])
    delta = g["Delta"]
    U = [np.array(x) for x in g["U"]]
    Phi = [np.array(x) for x in g["Phi"]]
    V = np.zeros((nS, 2))
    for p in range(2):
        A = np.eye(nS)
        b = np.zeros(nS)
        for s in range(nS):
            w = np.outer(sigma[s][0], sigma[s][1])
            b[s] = (w * U[s][p]).sum()
            A[s] -= delta * np.einsum("ab,abt->t", w, Phi[s])
        V[:, p] = np.linalg.solve(A, b)
    worst = 0.0
    for s in range(nS):
        q = U[s] + delta * np.einsum("abt,tp->pab", Phi[s], V)
        v0 = q[0] @ sigma[s][1]
        v1 = sigma[s][0] @ q[1]
        worst = max(worst, v0.max() - sigma[s][0] @ v0, v1.max() - v1 @ sigma[s][1])
    return worst


def main():
    d = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    files = sorted(glob.glob(os.path.join(d, "*.json")),
                   key=lambda f: [int(x) if x.isdigit() else x
                                  for x in os.path.basename(f).replace("x", " ").replace("-seed", " ").replace(".json", "").split()])
    print(f"{'game':<16} {'sGameSolver':>12} {'truce':>10} {'ratio':>7} {'steps':>6} {'Δσ':>9} {'ΔV':>9} {'gain sGS':>9} {'gain truce':>10}")
    ratios = {}
    for f in files:
        with open(f) as fh:
            g = json.load(fh)
        t_sgs, eq, impl = solve(g, runs)
        tr = g["Truce"]
        nS = len(g["U"])
        dsig = 0.0
        dv = 0.0
        for s in range(nS):
            for p in range(2):
                k = len(tr["Strategies"][s][p])
                a = np.array(eq.strategies[s, p, :k])
                b = np.array(tr["Strategies"][s][p])
                dsig = max(dsig, float(np.abs(a - b).max()))
                dv = max(dv, abs(float(eq.values[s, p]) - tr["Values"][s][p]))
        ratio = t_sgs / tr["CPUSeconds"]
        size = g["Name"].split("-")[0]
        k = [len(x) for x in tr["Strategies"][0]]
        g_sgs = gain(g, [[np.array(eq.strategies[s, p, :k[p]]) for p in range(2)] for s in range(nS)])
        if dsig < 1e-2:
            ratios.setdefault(size, []).append(ratio)
        print(f"{g['Name']:<16} {t_sgs*1e3:10.1f}ms {tr['CPUSeconds']*1e3:8.1f}ms {ratio:6.1f}x {tr['Steps']:6d} {dsig:9.1e} {dv:9.1e} {g_sgs:9.1e} {tr['Gain']:10.1e}", flush=True)
    print()
    print(f"sGameSolver {sgamesolver.__version__ if hasattr(sgamesolver, '__version__') else ''} ({impl}); gain: the largest one-shot deviation gain of each answer")
    print("median sGameSolver/truce CPU by size (games where both found the same equilibrium, Δσ < 1e-2):")
    for size, rs in ratios.items():
        print(f"  {size:<10} {statistics.median(rs):6.1f}x  [{min(rs):.1f}-{max(rs):.1f}]  ({len(rs)} games)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes a small MovieLens 100K-style folder (u.data, u.item) with a low-rank rating structure.

Usage: make-tiny-movielens.py OUT_DIR [--users 200] [--items 120] [--per-user 25] [--seed 1]
Titles are made-up words ("Crimson Harbor (1994)"), so the page's title search has something to find.
"""
import argparse
import os
import random

WORDS = ["Crimson", "Harbor", "Silent", "River", "Golden", "Empire", "Midnight", "Garden", "Iron", "Valley",
         "Paper", "Moon", "Electric", "Desert", "Frozen", "Kingdom", "Hidden", "Star", "Velvet", "Storm"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--users", type=int, default=200)
    p.add_argument("--items", type=int, default=120)
    p.add_argument("--per-user", type=int, default=25)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    rank = 3
    user_f = [[rng.gauss(0, 1) for _ in range(rank)] for _ in range(a.users)]
    item_f = [[rng.gauss(0, 1) for _ in range(rank)] for _ in range(a.items)]
    item_bias = [rng.gauss(0, 0.6) for _ in range(a.items)]
    with open(os.path.join(a.out, "u.data"), "w") as f:
        for u in range(a.users):
            for i in rng.sample(range(a.items), min(a.per_user, a.items)):
                score = 3.4 + item_bias[i] + 0.8 * sum(x * y for x, y in zip(user_f[u], item_f[i])) + rng.gauss(0, 0.3)
                rating = max(1, min(5, round(score)))
                f.write(f"{u + 1}\t{i + 1}\t{rating}\t{880000000 + u * 1000 + i}\n")
    with open(os.path.join(a.out, "u.item"), "w", encoding="latin-1") as f:
        for i in range(a.items):
            title = f"{WORDS[i % len(WORDS)]} {WORDS[(i * 7 + 3) % len(WORDS)]} {i + 1} ({1950 + i % 60})"
            genres = "|".join("1" if g == i % 19 else "0" for g in range(19))
            f.write(f"{i + 1}|{title}|01-Jan-{1950 + i % 60}||http://example.invalid/{i + 1}|{genres}\n")


if __name__ == "__main__":
    main()

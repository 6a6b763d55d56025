#!/usr/bin/env python3
"""kill -9 during a burst of rating writes: no acknowledged rating may be lost.

Starts `autorec serve --store` on a tiny generated model, runs WRITERS threads that POST ratings
(each request 3 ratings for a fresh user), records every (user, item, rating) the server answered
201 for, kills the server with SIGKILL after SECONDS, and checks that the store file holds every
acknowledged rating. Repeats ROUNDS times on the same store file (each round reopens the file a
killed server left). Exit status 0 when nothing acknowledged was lost.

Usage: scripts/kill9-store.py [--autorec .build/debug/autorec] [--rounds 3] [--seconds 2] [--writers 8]
"""
import argparse
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, process, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with status {process.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/health")
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the server did not answer /health")


def writer(port, name, items, acked, lock, stop, stats):
    n = 0
    conn = None
    while not stop.is_set():
        user = f"{name}-{n}"
        ratings = [{"item": items[(n + k * 7) % len(items)], "rating": 1 + (n + k) % 5} for k in range(3)]
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("POST", f"/v1/users/{user}/ratings", json.dumps({"ratings": ratings}),
                         {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            with lock:
                stats["sent"] += 1
            if response.status == 201:
                with lock:
                    for r in ratings:
                        acked.append((user, r["item"], float(r["rating"])))
            else:
                with lock:
                    stats["refused"] += 1
        except (OSError, http.client.HTTPException):
            conn = None
            with lock:
                stats["failed"] += 1
            time.sleep(0.01)
        n += 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--autorec", default=os.path.join(HERE, "..", ".build", "debug", "autorec"))
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--writers", type=int, default=8)
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="autorec-kill9-")
    data, model, store = f"{work}/ml", f"{work}/model", f"{work}/ratings.sqlite"
    subprocess.run([sys.executable, f"{HERE}/make-tiny-movielens.py", data, "--users", "60", "--items", "40",
                    "--per-user", "10"], check=True)
    subprocess.run([a.autorec, "train", "--data", data, "--hidden-units", "8", "--epochs", "5", "--patience", "0",
                    "--save", model, "--quiet"], check=True, stdout=subprocess.DEVNULL)
    items = [str(i) for i in range(1, 41)]
    acked = []
    lock = threading.Lock()
    for round_ in range(1, a.rounds + 1):
        port = free_port()
        server = subprocess.Popen([a.autorec, "serve", "--model", model, "--store", store, "--port", str(port),
                                   "--quiet"], stderr=open(f"{work}/server-{round_}.log", "w"))
        wait_ready(port, server)
        stop = threading.Event()
        stats = {"sent": 0, "refused": 0, "failed": 0}
        before = len(acked)
        threads = [threading.Thread(target=writer, args=(port, f"r{round_}w{w}", items, acked, lock, stop, stats))
                   for w in range(a.writers)]
        for t in threads:
            t.start()
        time.sleep(a.seconds)
        os.kill(server.pid, signal.SIGKILL)  # mid-burst: writes are in flight
        server.wait()
        time.sleep(0.2)
        stop.set()
        for t in threads:
            t.join()
        with sqlite3.connect(store) as db:
            rows = {(u, i): r for u, i, r in db.execute("SELECT user, item, rating FROM ratings")}
        missing = [x for x in acked if rows.get((x[0], x[1])) != x[2]]
        print(f"round {round_}: {stats['sent']} requests answered ({stats['refused']} refused), "
              f"{stats['failed']} failed attempts against the killed server; {len(acked) - before} ratings acknowledged this round, "
              f"{len(acked)} in all; store holds {len(rows)}; missing acknowledged: {len(missing)}")
        if missing:
            print("LOST:", missing[:10])
            sys.exit(1)
        if len(acked) == before:
            print("no write was acknowledged this round: the test proved nothing")
            sys.exit(1)
    print(f"kill -9 test passed: {a.rounds} rounds, {len(acked)} acknowledged ratings, none lost")
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()

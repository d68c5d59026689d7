#!/usr/bin/env python3
"""Runner overhead: `autogen upgrade head` over N small revisions vs psql running the very same script
(`autogen upgrade head --sql`: same statements, same transactions, version and history updates included).

Usage: bench/upgrade_chain.py N AUTOGEN_BIN [--runs 5] [--pg postgres://postgres@127.0.0.1:5432]
Needs psql, createdb, dropdb on PATH.
"""
import argparse, os, shutil, statistics, subprocess, time

ap = argparse.ArgumentParser()
ap.add_argument("n", type=int); ap.add_argument("autogen")
ap.add_argument("--runs", type=int, default=5); ap.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
a = ap.parse_args()
autogen = os.path.abspath(a.autogen)
work = f"/tmp/autogen-chain-{a.n}"
shutil.rmtree(work, ignore_errors=True); os.makedirs(f"{work}/versions")
prev = ""
for i in range(a.n):
    rev = f"{i:012x}"
    open(f"{work}/versions/{rev}_r{i}.sql", "w").write(
        f"-- revision: {rev}\n-- down_revision: {prev}\n-- message: r{i}\n-- dialect: postgresql\n\n-- upgrade\n"
        f"CREATE TABLE chain_{i:05} (id bigint PRIMARY KEY, v text NOT NULL DEFAULT '');\n\n-- downgrade\nDROP TABLE chain_{i:05};\n")
    prev = rev
open(f"{work}/models.toml", "w").write("")
host = a.pg.split("://", 1)[1]; user, hp = host.split("@"); h, port = (hp.split(":") + ["5432"])[:2]
pg = ["-h", h, "-p", port, "-U", user]
script = subprocess.run([autogen, "--models", f"{work}/models.toml", "--url", f"{a.pg}/x", "upgrade", "head", "--sql"],
                        check=True, capture_output=True, text=True).stdout
open(f"{work}/script.sql", "w").write(script)

def fresh(db):
    subprocess.run(["dropdb", *pg, "--if-exists", db], check=True)
    subprocess.run(["createdb", *pg, db], check=True)

def run_autogen():
    fresh("chain_bench")
    t = time.perf_counter()
    subprocess.run([autogen, "--models", f"{work}/models.toml", "--url", f"{a.pg}/chain_bench", "upgrade", "head"],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t

def run_psql():
    fresh("chain_bench")
    t = time.perf_counter()
    subprocess.run(["psql", *pg, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "chain_bench", "-f", f"{work}/script.sql"],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t

run_autogen(); run_psql()
ta, tp = [], []
for _ in range(a.runs):
    ta.append(run_autogen()); tp.append(run_psql())
med = statistics.median
subprocess.run(["dropdb", *pg, "--if-exists", "chain_bench"], check=True)
print(f"revisions={a.n} autogen_s={med(ta):.3f} psql_s={med(tp):.3f} overhead={(med(ta) / med(tp) - 1) * 100:.1f}%")

#!/usr/bin/env python3
"""Autogenerate on a synthetic SQLite file of N tables, beside `sqlite3 FILE .schema` of the same file.

The tables have the shape of bench/mysql_autogenerate.py's (4-14 columns of mixed types, foreign keys to earlier
tables, unique keys, checks, indexes). The models are what `autogen inspect` writes of the file; then the file
drifts (a column added to every 10th table, an index dropped from every 7th) so autogenerate has work to do.

Usage: bench/sqlite_autogenerate.py N AUTOGEN_BIN [--runs 5]
Needs python3 (its sqlite3 module builds the file) and, for the comparison, the `sqlite3` shell on PATH.
"""
import argparse, os, random, shutil, sqlite3, statistics, subprocess, time

ap = argparse.ArgumentParser()
ap.add_argument("n", type=int); ap.add_argument("autogen")
ap.add_argument("--runs", type=int, default=5)
a = ap.parse_args()
autogen = os.path.abspath(a.autogen)
work = f"/tmp/autogen-sqlite-bench-{a.n}"
shutil.rmtree(work, ignore_errors=True); os.makedirs(f"{work}/versions")
path = f"{work}/app.db"
url = f"sqlite:///{path}"

rnd = random.Random(7)
TYPES = ["INTEGER", "TEXT", "VARCHAR(64)", "REAL", "NUMERIC(12,2)", "BOOLEAN", "DATETIME", "DATE", "BLOB"]
ddl, tables, indexed = [], [], []
for t in range(a.n):
    name = f"t{t:05d}"
    cols = ["id INTEGER PRIMARY KEY"]
    names = []
    for c in range(rnd.randint(4, 14)):
        ty = rnd.choice(TYPES)
        null = "" if rnd.random() < 0.6 else " NOT NULL"
        default = " DEFAULT 0" if ty == "BOOLEAN" and rnd.random() < 0.5 else ""
        cols.append(f"c{c} {ty}{null}{default}")
        names.append((f"c{c}", ty))
    items = list(cols)
    if t > 0 and rnd.random() < 0.5:
        items.insert(len(cols), "ref_id INTEGER")
        items.append(f"FOREIGN KEY (ref_id) REFERENCES t{rnd.randrange(t):05d} (id) ON DELETE CASCADE")
    keyable = [n for n, ty in names if ty in ("INTEGER", "VARCHAR(64)", "DATE")]
    if keyable and rnd.random() < 0.3:
        items.append(f"UNIQUE ({keyable[0]})")
    if rnd.random() < 0.2:
        items.append("CHECK (c0 IS NOT NULL OR c1 IS NULL)")
    ddl.append(f"CREATE TABLE {name} (\n  " + ",\n  ".join(items) + "\n);")
    if len(keyable) > 1 and rnd.random() < 0.4:
        ddl.append(f"CREATE INDEX {name}_{keyable[-1]}_idx ON {name} ({keyable[-1]});")
        indexed.append((name, f"{name}_{keyable[-1]}_idx"))
    tables.append(name)
db = sqlite3.connect(path)
db.executescript("\n".join(ddl))
db.close()
models = subprocess.run([autogen, "inspect", "--url", url], check=True, capture_output=True, text=True).stdout
open(f"{work}/models.toml", "w").write(models.replace('url = "env:DATABASE_URL"', f'url = "{url}"'))
drift = [f"ALTER TABLE {t} ADD COLUMN drift INTEGER;" for t in tables[::10]]
drift += [f"DROP INDEX {i};" for _, i in indexed[::7]]
db = sqlite3.connect(path)
db.executescript("\n".join(drift))
db.close()


def timed(cmd, **kw):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t0


shell = shutil.which("sqlite3")
ours, theirs = [], []
for _ in range(a.runs):
    shutil.rmtree(f"{work}/versions", ignore_errors=True); os.makedirs(f"{work}/versions")
    ours.append(timed([autogen, "--models", f"{work}/models.toml", "revision", "--autogenerate", "-m", "drift"], cwd=work))
    if shell:
        theirs.append(timed([shell, path, ".schema"]))
revs = os.listdir(f"{work}/versions")
assert len(revs) == 1, revs
text = open(f"{work}/versions/{revs[0]}").read()
assert text.count("drift") >= len(tables[::10]), "the revision must undo every drifted column"
o = statistics.median(ours)
line = f"{a.n} tables, {a.runs} run(s), medians: autogen revision --autogenerate {o:.3f} s"
if theirs:
    d = statistics.median(theirs)
    line += f", sqlite3 .schema {d:.3f} s, ratio {o / d:.2f}"
print(line)

#!/usr/bin/env python3
"""Autogenerate on a synthetic MySQL/MariaDB schema of N tables, beside `mariadb-dump --no-data` of the same database.

The schema has the shape of ../shared/bench/gen_schema.py's (4-14 columns per table of mixed types, foreign keys
to earlier tables, unique keys, checks, indexes, comments). The models are what `autogen inspect` writes of it; then
the database drifts (a column added to every 10th table, an index dropped from every 7th) so autogenerate has work.

Usage: bench/mysql_autogenerate.py N AUTOGEN_BIN [--runs 3] [--url mysql://root@127.0.0.1:3306]
Needs the `mariadb` (or `mysql`) and `mariadb-dump` (or `mysqldump`) clients on PATH.
"""
import argparse, os, random, shutil, statistics, subprocess, time

ap = argparse.ArgumentParser()
ap.add_argument("n", type=int); ap.add_argument("autogen")
ap.add_argument("--runs", type=int, default=3); ap.add_argument("--url", default="mysql://root@127.0.0.1:3306")
a = ap.parse_args()
autogen = os.path.abspath(a.autogen)
hostpart = a.url.split("://", 1)[1]
user, hp = hostpart.split("@")
host, port = (hp.split(":") + ["3306"])[:2]
client = shutil.which("mariadb") or "mysql"
dump = shutil.which("mariadb-dump") or "mysqldump"
conn = ["-u", user, "-h", host, "-P", port]
db = f"bench_my_{a.n}"
url = f"{a.url}/{db}"

rnd = random.Random(7)
TYPES = ["int", "bigint", "varchar(64)", "varchar(255)", "text", "tinyint(1)", "datetime", "date",
         "decimal(12,2)", "double", "json", "char(36)"]
ddl = ["SET FOREIGN_KEY_CHECKS = 0;"]
tables = []
for t in range(a.n):
    name = f"t{t:05d}"
    cols = ["`id` bigint NOT NULL AUTO_INCREMENT"]
    names = []
    for c in range(rnd.randint(4, 14)):
        ty = rnd.choice(TYPES)
        null = "NULL" if rnd.random() < 0.6 else "NOT NULL"
        default = ""
        if ty == "tinyint(1)" and rnd.random() < 0.5:
            default = " DEFAULT 0"
        elif ty.startswith("varchar") and rnd.random() < 0.3:
            default = " DEFAULT ''"
        cols.append(f"`c{c}` {ty} {null}{default}")
        names.append((f"c{c}", ty))
    fks = []
    if t > 0 and rnd.random() < 0.5:
        ref = f"t{rnd.randrange(t):05d}"
        cols.append("`ref_id` bigint NULL")
        fks.append(f"CONSTRAINT `{name}_ref_fkey` FOREIGN KEY (`ref_id`) REFERENCES `{ref}` (`id`) ON DELETE CASCADE")
    items = cols + ["PRIMARY KEY (`id`)"] + fks
    keyable = [n for n, ty in names if ty.startswith("varchar(64)") or ty in ("int", "bigint", "date")]
    if keyable and rnd.random() < 0.3:
        items.append(f"UNIQUE KEY `{name}_{keyable[0]}_key` (`{keyable[0]}`)")
    if len(keyable) > 1 and rnd.random() < 0.4:
        items.append(f"KEY `{name}_{keyable[-1]}_idx` (`{keyable[-1]}`)")
    if rnd.random() < 0.2:
        items.append(f"CONSTRAINT `{name}_check` CHECK (`c0` IS NOT NULL OR `c1` IS NULL)")
    comment = f" COMMENT='table {t}'" if rnd.random() < 0.3 else ""
    ddl.append(f"CREATE TABLE `{name}` (\n  " + ",\n  ".join(items) + f"\n){comment};")
    tables.append(name)
ddl.append("SET FOREIGN_KEY_CHECKS = 1;")

work = f"/tmp/autogen-mysql-bench-{a.n}"
shutil.rmtree(work, ignore_errors=True); os.makedirs(work)
subprocess.run([client, *conn, "-e", f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}"], check=True)
subprocess.run([client, *conn, db], input="\n".join(ddl), text=True, check=True)
models = subprocess.run([autogen, "inspect", "--url", url], check=True, capture_output=True, text=True).stdout
open(f"{work}/models.toml", "w").write(models.replace('url = "env:DATABASE_URL"', f'url = "{url}"'))
drift = [f"ALTER TABLE `{t}` ADD COLUMN `drift` int NULL;" for t in tables[::10]]
subprocess.run([client, *conn, db], input="\n".join(drift), text=True, check=True)


def timed(cmd, **kw):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t0


ours, theirs = [], []
for _ in range(a.runs):
    shutil.rmtree(f"{work}/versions", ignore_errors=True); os.makedirs(f"{work}/versions")
    ours.append(timed([autogen, "--models", f"{work}/models.toml", "revision", "--autogenerate", "-m", "drift"], cwd=work))
    theirs.append(timed([dump, *conn, "--no-data", db]))
revs = os.listdir(f"{work}/versions")
assert len(revs) == 1, revs
text = open(f"{work}/versions/{revs[0]}").read()
assert text.count("DROP COLUMN `drift`") == len(drift), "the revision must undo every drifted column"
o, d = statistics.median(ours), statistics.median(theirs)
print(f"{a.n} tables, {a.runs} run(s), medians: autogen revision --autogenerate {o:.3f} s, "
      f"{os.path.basename(dump)} --no-data {d:.3f} s, ratio {o / d:.2f}")

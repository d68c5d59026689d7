//! Bookkeeping that cannot corrupt: a runner killed at any step resumes with every statement run once;
//! what was reported applied stays applied; failed writes leave nothing behind.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{project, run, PgDb};

fn autogen_cmd(dir: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("autogen"));
    c.current_dir(dir)
        .env_remove("AUTOGEN_DATABASE_URL")
        .args(args);
    c
}

fn write_rev(dir: &std::path::Path, id: &str, down: &str, header: &str, up: &str) {
    crate::support::write_revision(
        dir,
        id,
        id,
        down,
        &format!(
            "{header}
"
        ),
        up,
        "",
    );
}

/// Waits until the runner's backend waits for a lock while running a statement that contains `query`,
/// and returns its pid.
fn blocked_runner(db: &PgDb, query: &str) -> i32 {
    let start = Instant::now();
    let mut c = db.client();
    loop {
        let rows = c
            .query(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'autogen' \
                 AND wait_event_type = 'Lock' AND strpos(query, $1) > 0",
                &[&query],
            )
            .unwrap();
        if let Some(r) = rows.first() {
            return r.get(0);
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the runner never blocked at `{query}`"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The steps at which the runner is killed: blocked inside statement k (its transaction holds the
/// statement and its progress row), blocked at the progress row after statement k, and blocked at
/// each write of the closing bookkeeping.
#[derive(Debug, Clone, Copy)]
enum Step {
    InStatement(usize),
    AtProgress(usize),
    AtVersion,
    AtHistory,
}

#[test]
fn killed_non_transactional_revision_ran_statements_twice() {
    const N: usize = 3;
    let mut steps = vec![Step::AtVersion, Step::AtHistory];
    for k in 1..=N {
        steps.push(Step::InStatement(k));
        steps.push(Step::AtProgress(k));
    }
    for step in steps {
        let Some(db) = PgDb::new("bookkeeping::killed_non_transactional") else {
            return;
        };
        let p = project(&format!("[database]\nurl = \"{}\"\n", db.url));
        let d = p.path();
        let mut create = String::new();
        for k in 1..=N {
            create.push_str(&format!("CREATE TABLE gate{k} (n int);\n"));
        }
        write_rev(d, "aaaa00000001", "", "", &create);
        run(d, &["upgrade", "head"], 0);
        let mut up = String::new();
        for k in 1..=N {
            up.push_str(&format!("INSERT INTO gate{k} VALUES ({k});\n"));
        }
        write_rev(
            d,
            "bbbb00000002",
            "aaaa00000001",
            "-- transactional: false",
            &up,
        );
        // One connection gates the statement, another holds the bookkeeping table.
        let mut gate = db.client();
        let mut book = db.client();
        let gated = match step {
            Step::InStatement(k) | Step::AtProgress(k) => k,
            Step::AtVersion | Step::AtHistory => N,
        };
        gate.batch_execute(&format!("BEGIN; LOCK TABLE gate{gated} IN EXCLUSIVE MODE"))
            .unwrap();
        let mut child = autogen_cmd(d, &["upgrade", "head"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        blocked_runner(&db, &format!("INSERT INTO gate{gated}"));
        let pid = match step {
            Step::InStatement(_) => blocked_runner(&db, &format!("INSERT INTO gate{gated}")),
            _ => {
                let table = match step {
                    Step::AtProgress(_) => "autogen_progress",
                    Step::AtVersion => "autogen_version",
                    _ => "autogen_history",
                };
                book.batch_execute(&format!("BEGIN; LOCK TABLE {table} IN EXCLUSIVE MODE"))
                    .unwrap();
                gate.batch_execute("COMMIT").unwrap();
                blocked_runner(&db, table)
            }
        };
        db.client()
            .execute("SELECT pg_terminate_backend($1)", &[&pid])
            .unwrap();
        let _ = child.wait();
        let _ = gate.batch_execute("COMMIT");
        let _ = book.batch_execute("COMMIT");
        // Resume: every statement ran exactly once, and current is the head.
        run(d, &["upgrade", "head"], 0);
        let mut c = db.client();
        for k in 1..=N {
            let n: i64 = c
                .query_one(&format!("SELECT count(*) FROM gate{k}"), &[])
                .unwrap()
                .get(0);
            assert_eq!(n, 1, "{step:?}: statement {k} ran {n} times");
        }
        let out = run(d, &["current"], 0);
        assert!(out.contains("bbbb00000002 (head)"), "{step:?}: {out}");
        let left: i64 = c
            .query_one("SELECT count(*) FROM autogen_progress", &[])
            .unwrap()
            .get(0);
        assert_eq!(left, 0, "{step:?}: progress left behind");
        let hist: i64 = c
            .query_one(
                "SELECT count(*) FROM autogen_history WHERE revision = 'bbbb00000002'",
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(hist, 1, "{step:?}: history rows");
    }
}

#[test]
fn sqlite_kill_9_lost_revisions_already_reported_applied() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n");
    let d = p.path();
    write_rev(
        d,
        "aaaa00000001",
        "",
        "",
        "CREATE TABLE a (n integer);\nINSERT INTO a VALUES (1);",
    );
    // A revision that takes minutes: the runner is killed while it runs.
    write_rev(
        d,
        "bbbb00000002",
        "aaaa00000001",
        "",
        "CREATE TABLE b AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) SELECT count(*) AS n FROM c;",
    );
    let mut child = autogen_cmd(d, &["upgrade", "head"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("aaaa00000001"), "{first}");
    std::thread::sleep(Duration::from_millis(200));
    child.kill().unwrap(); // SIGKILL
    let _ = child.wait();
    let out = run(d, &["current"], 0);
    assert!(
        out.contains("aaaa00000001"),
        "reported applied, then lost after kill -9: {out}"
    );
    let c = rusqlite::Connection::open(d.join("app.db")).unwrap();
    let n: i64 = c.query_row("SELECT n FROM a", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
}

#[test]
fn sqlite_runners_are_kept_out_for_the_whole_run() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n");
    let d = p.path();
    write_rev(d, "aaaa00000001", "", "", "CREATE TABLE a (n integer);");
    write_rev(
        d,
        "bbbb00000002",
        "aaaa00000001",
        "",
        "CREATE TABLE b AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000) SELECT count(*) AS n FROM c;",
    );
    let mut first = autogen_cmd(d, &["upgrade", "head"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(first.stdout.take().unwrap()).lines();
    lines.next().unwrap().unwrap();
    // Between the two revisions' commits another runner must still wait, not slip in.
    let o = autogen_cmd(d, &["upgrade", "head", "--lock-timeout", "0"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.contains("migration lock"), "{text}");
    assert!(first.wait().unwrap().success());
}

#[test]
fn failed_write_left_a_temp_file_behind() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("a.db");
    let c = rusqlite::Connection::open(&db).unwrap();
    for i in 0..60 {
        c.execute_batch(&format!(
            "CREATE TABLE table_number_{i} (id integer PRIMARY KEY, some_long_column_name text)"
        ))
        .unwrap();
    }
    drop(c);
    // Writes past 1 KiB fail (EFBIG; SIGXFSZ ignored): the atomic write must clean up after itself.
    let bin = assert_cmd::cargo::cargo_bin("autogen");
    let o = Command::new("sh")
        .current_dir(d.path())
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 2; exec '{}' --url sqlite:a.db inspect -o out.toml",
            bin.display()
        ))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{text}");
    let left: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("out.toml"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn inspect_overwrote_an_existing_models_file() {
    let d = tempfile::tempdir().unwrap();
    rusqlite::Connection::open(d.path().join("a.db"))
        .unwrap()
        .execute_batch("CREATE TABLE t (id integer PRIMARY KEY)")
        .unwrap();
    std::fs::write(d.path().join("models.toml"), "# my models\n").unwrap();
    let out = run(
        d.path(),
        &["--url", "sqlite:a.db", "inspect", "-o", "models.toml"],
        2,
    );
    assert!(
        out.contains("already exists") && out.contains("--force"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("models.toml")).unwrap(),
        "# my models\n"
    );
    run(
        d.path(),
        &[
            "--url",
            "sqlite:a.db",
            "inspect",
            "-o",
            "models.toml",
            "--force",
        ],
        0,
    );
    assert!(std::fs::read_to_string(d.path().join("models.toml"))
        .unwrap()
        .contains("[tables.t]"));
}

#[test]
fn half_applied_downgrade_was_hidden_by_current_and_upgrade() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n");
    let d = p.path();
    let v = d.join("versions");
    std::fs::create_dir_all(&v).unwrap();
    std::fs::write(
        v.join("n1.sql"),
        "-- revision: n1aa00000001\n-- down_revision: \n-- transactional: false\n\n-- upgrade\nCREATE TABLE a (n integer);\nCREATE TABLE b (n integer);\n\n-- downgrade\nDROP TABLE b;\nDROP TABLE nosuch;\nDROP TABLE a;\n",
    )
    .unwrap();
    run(d, &["upgrade", "head"], 0);
    let out = run(d, &["downgrade", "base"], 2);
    assert!(out.contains("HALF-APPLIED"), "{out}");
    let cur = run(d, &["current"], 0);
    assert!(
        cur.contains("n1aa00000001 is HALF-APPLIED: its downgrade stopped after 1 statement(s)"),
        "{cur}"
    );
    let up = run(d, &["upgrade", "head"], 2);
    assert!(
        up.contains("revision n1aa00000001 is HALF-APPLIED: its downgrade stopped after 1"),
        "{up}"
    );
}

#[test]
fn upgrade_minus_one_said_already_at_and_exited_0() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n");
    let d = p.path();
    write_rev(d, "aaaa00000001", "", "", "CREATE TABLE a (n integer);");
    write_rev(
        d,
        "bbbb00000002",
        "aaaa00000001",
        "",
        "CREATE TABLE b (n integer);",
    );
    run(d, &["upgrade", "head"], 0);
    let out = run(d, &["upgrade", "-1"], 2);
    assert!(
        out.contains("upgrade goes up only") && out.contains("autogen downgrade"),
        "{out}"
    );
}

#[test]
fn merge_of_one_revision_twice_wrote_a_duplicate_parent() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n");
    let d = p.path();
    write_rev(d, "aaaa00000001", "", "", "");
    let out = run(d, &["merge", "-m", "x", "aaaa", "aaaa00000001"], 2);
    assert!(out.contains("merge needs at least two revisions"), "{out}");
}

#[test]
fn messages_printed_terminal_escapes_raw() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n");
    let d = p.path();
    run(d, &["revision", "-m", "x\u{1b}[31mred\u{7}"], 0);
    for cmd in [
        &["history"][..],
        &["heads"],
        &["upgrade", "head"],
        &["current"],
    ] {
        let out = run(d, cmd, 0);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{cmd:?}: {out:?}"
        );
        assert!(out.contains("x\\u{1b}[31mred\\u{7}"), "{cmd:?}: {out:?}");
    }
}

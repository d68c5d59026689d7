//! `codegen --lang rust`: the modules under tests/codegen/ are what the models give today (regenerated
//! and compared), compile as part of this test binary, and run insert/get/update/delete/list/find and
//! the navigations against real SQLite, PostgreSQL and MariaDB.

use std::path::Path;

use crate::support::{autogen, run, MyDb, PgDb};

#[allow(dead_code)]
#[path = "codegen/booking_mysql.rs"]
mod booking_mysql;
#[allow(dead_code)]
#[path = "codegen/booking_postgres.rs"]
mod booking_postgres;
#[allow(dead_code)]
#[path = "../examples/booking/db.rs"]
mod booking_sqlite;
#[allow(dead_code)]
#[path = "codegen/features_postgres.rs"]
mod features_postgres;

/// (models, dialect, lang, file under tests/codegen/): every checked-in generated module.
pub const MODULES: &[(&str, &str, &str, &str)] = &[
    (
        "models.toml",
        "sqlite",
        "rust",
        "../../examples/booking/db.rs",
    ),
    (
        "docs/booking-postgres.toml",
        "postgresql",
        "rust",
        "booking_postgres.rs",
    ),
    (
        "examples/mariadb/models.toml",
        "mysql",
        "rust",
        "booking_mysql.rs",
    ),
    (
        "tests/fixtures/codegen_features.toml",
        "postgresql",
        "rust",
        "features_postgres.rs",
    ),
    (
        "models.toml",
        "sqlite",
        "sqlalchemy",
        "../../examples/booking/models.py",
    ),
    (
        "docs/booking-postgres.toml",
        "postgresql",
        "sqlalchemy",
        "booking_postgres.py",
    ),
    (
        "tests/fixtures/codegen_features.toml",
        "postgresql",
        "sqlalchemy",
        "features_postgres.py",
    ),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A generated module that drifted from the models fails here (`AUTOGEN_BLESS=1` rewrites them).
#[test]
fn checked_in_modules_are_what_the_models_generate() {
    for (models, dialect, lang, file) in MODULES {
        let out = format!("tests/codegen/{file}");
        let mut args = vec![
            "--models",
            models,
            "codegen",
            "--lang",
            lang,
            "--dialect",
            dialect,
        ];
        args.extend(["-o", &out]);
        if std::env::var("AUTOGEN_BLESS").is_ok_and(|v| v == "1") {
            run(root(), &args, 0);
            continue;
        }
        args.push("--check");
        let o = autogen(root(), &args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{out} is stale: {}\nrun `AUTOGEN_BLESS=1 cargo test checked_in_modules` to regenerate",
            String::from_utf8_lossy(&o.stdout)
        );
    }
}

#[test]
fn check_exits_1_on_a_stale_file_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("models.toml"), d.path().join("models.toml")).unwrap();
    std::fs::write(d.path().join("db.rs"), "// old\n").unwrap();
    let out = run(
        d.path(),
        &["codegen", "--lang", "rust", "-o", "db.rs", "--check"],
        1,
    );
    assert!(out.contains("db.rs is stale"), "{out}");
    assert_eq!(
        std::fs::read_to_string(d.path().join("db.rs")).unwrap(),
        "// old\n"
    );
    run(d.path(), &["codegen", "--lang", "rust", "-o", "db.rs"], 0);
    run(
        d.path(),
        &["codegen", "--lang", "rust", "-o", "db.rs", "--check"],
        0,
    );
    let again = run(d.path(), &["codegen", "--lang", "rust"], 0);
    assert_eq!(
        again,
        std::fs::read_to_string(d.path().join("db.rs")).unwrap()
    );
}

#[test]
fn generated_modules_declare_their_crates_ready_to_paste() {
    for (file, need) in [
        (
            "../../examples/booking/db.rs",
            r#"//! needs: rusqlite = { version = "0.43", features = ["bundled"] }"#,
        ),
        ("booking_postgres.rs", r#"//! needs: postgres = "0.19""#),
        ("booking_mysql.rs", r#"//! needs: mysql = "28""#),
    ] {
        let text = std::fs::read_to_string(root().join("tests/codegen").join(file)).unwrap();
        assert!(text.lines().any(|l| l == need), "{file} lacks `{need}`");
        let spec = need.trim_start_matches("//! needs: ");
        let manifest = format!("[dependencies]\n{spec}\n");
        assert!(toml::from_str::<toml::Table>(&manifest).is_ok(), "{spec}");
    }
}

/// An error in the models stops codegen with its location, as for every command.
#[test]
fn a_models_error_is_located() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("models.toml"),
        "[database]\nurl = \"sqlite:x.db\"\n[tables.t]\ncolumns = [{ name = \"id\", typ = \"integer\" }]\n",
    )
    .unwrap();
    let out = run(d.path(), &["codegen", "--lang", "rust"], 2);
    assert!(out.contains("models.toml:4:"), "{out}");
}

/// A project on `url` with `models` (its `url = …` line replaced), upgraded to head.
fn project_on(models: &str, url: &str) -> tempfile::TempDir {
    let text = std::fs::read_to_string(root().join(models)).unwrap();
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("url = ") {
                format!("url = \"{url}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("models.toml"), text).unwrap();
    run(d.path(), &["revision", "--autogenerate", "-m", "all"], 0);
    run(d.path(), &["upgrade", "head"], 0);
    d
}

#[test]
fn rust_module_runs_the_booking_example_on_sqlite() {
    use booking_sqlite as db;
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("booking.db");
    let p = project_on("models.toml", &format!("sqlite:{}", path.display()));
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    let ann = db::insert_user(
        &conn,
        &db::NewUser {
            email: "ann@example.com".into(),
            full_name: "Ann".into(),
            phone: None,
            role: None,
            created_at: None,
        },
    )
    .unwrap();
    assert_eq!((ann.id, ann.role.as_str()), (1, "member"));
    assert!(!ann.created_at.is_empty(), "the default filled created_at");
    let room = db::insert_room(
        &conn,
        &db::NewRoom {
            name: "Blue".into(),
            capacity: 8,
            floor: Some(2),
        },
    )
    .unwrap();
    let projector = db::insert_feature(
        &conn,
        &db::NewFeature {
            id: Some(7),
            name: "projector".into(),
        },
    )
    .unwrap();
    db::insert_room_feature(
        &conn,
        &db::NewRoomFeature {
            room_id: room.id,
            feature_id: projector.id,
        },
    )
    .unwrap();
    let new = |starts: &str, ends: &str| db::NewBooking {
        user_id: ann.id,
        room_id: room.id,
        starts_at: starts.into(),
        ends_at: ends.into(),
        status: None,
        note: Some("standup".into()),
        created_at: None,
        updated_at: None,
    };
    let b1 = db::insert_booking(&conn, &new("2026-12-01 09:00", "2026-12-01 10:00")).unwrap();
    let b2 = db::insert_booking(&conn, &new("2026-12-02 09:00", "2026-12-02 10:00")).unwrap();
    assert_eq!(b1.status, "pending");
    assert_eq!(
        db::bookings_of_user(&conn, &ann).unwrap(),
        vec![b1.clone(), b2.clone()]
    );
    assert_eq!(db::user_of_booking(&conn, &b1).unwrap(), Some(ann.clone()));
    assert_eq!(db::room_of_booking(&conn, &b1).unwrap(), Some(room.clone()));
    assert_eq!(
        db::features_of_room(&conn, &room).unwrap(),
        vec![projector.clone()]
    );
    assert_eq!(
        db::rooms_of_feature(&conn, &projector).unwrap(),
        vec![room.clone()]
    );
    assert_eq!(
        db::find_user_by_email(&conn, "ann@example.com").unwrap(),
        Some(ann.clone())
    );
    assert_eq!(
        db::find_user_by_email(&conn, "bob@example.com").unwrap(),
        None
    );
    assert_eq!(
        db::find_booking_by_room_id_starts_at(&conn, room.id, "2026-12-02 09:00").unwrap(),
        Some(b2.clone())
    );
    // Cancel one booking, delete the other.
    let mut cancelled = b1.clone();
    cancelled.status = "cancelled".into();
    assert!(db::update_booking(&conn, &cancelled).unwrap());
    assert_eq!(
        db::get_booking(&conn, b1.id).unwrap(),
        Some(cancelled.clone())
    );
    assert!(db::delete_booking(&conn, b2.id).unwrap());
    assert!(!db::delete_booking(&conn, b2.id).unwrap());
    assert_eq!(db::get_booking(&conn, b2.id).unwrap(), None);
    assert_eq!(db::list_bookings(&conn).unwrap(), vec![cancelled]);
    // AUTOINCREMENT: a new booking does not reuse the deleted id.
    let b3 = db::insert_booking(&conn, &new("2026-12-03 09:00", "2026-12-03 10:00")).unwrap();
    assert_eq!(b3.id, b2.id + 1);
    // The database's checks still hold for rows written through the module.
    let bad = db::insert_booking(&conn, &new("2026-12-04 10:00", "2026-12-04 09:00"));
    assert!(bad.is_err(), "ends_at > starts_at");
    drop(p);
}

#[test]
fn rust_module_runs_the_booking_example_on_postgres() {
    use booking_postgres as db;
    let Some(pg) = PgDb::new("codegen_rust::postgres") else {
        return;
    };
    let _p = project_on("docs/booking-postgres.toml", &pg.url);
    let mut c = pg.client();
    let ann = db::insert_user(
        &mut c,
        &db::NewUser {
            email: "ann@example.com".into(),
            full_name: "Ann".into(),
            phone: None,
            created_at: None,
        },
    )
    .unwrap();
    assert_eq!(ann.id, 1);
    let room = db::insert_room(
        &mut c,
        &db::NewRoom {
            id: None,
            name: "Blue Room".into(),
            capacity: 8,
        },
    )
    .unwrap();
    assert_eq!(room.slug, "blue-room", "the generated column is read back");
    let b = db::insert_booking(
        &mut c,
        &db::NewBooking {
            user_id: ann.id,
            room_id: room.id,
            starts_at: "2026-12-01 09:00:00+00".into(),
            ends_at: "2026-12-01 10:00:00+00".into(),
            status: None,
        },
    )
    .unwrap();
    assert_eq!(b.status, db::BookingStatus::Pending);
    assert_eq!(db::bookings_of_user(&mut c, &ann).unwrap(), vec![b.clone()]);
    assert_eq!(db::user_of_booking(&mut c, &b).unwrap(), Some(ann.clone()));
    let mut cancelled = b.clone();
    cancelled.status = db::BookingStatus::Cancelled;
    assert!(db::update_booking(&mut c, &cancelled).unwrap());
    assert_eq!(db::get_booking(&mut c, b.id).unwrap(), Some(cancelled));
    let inv = db::insert_billing_invoice(
        &mut c,
        &db::NewBillingInvoice {
            no: None,
            user_id: ann.id,
            amount: "12.5".into(),
        },
    )
    .unwrap();
    assert_eq!((inv.no, inv.amount.as_str()), (1000, "12.50"));
    assert_eq!(
        db::billing_invoices_of_user(&mut c, &ann).unwrap(),
        vec![inv]
    );
    assert!(db::delete_booking(&mut c, b.id).unwrap());
    assert_eq!(db::list_bookings(&mut c).unwrap(), vec![]);
    assert!("archived".parse::<db::BookingStatus>().is_err());
}

#[test]
fn rust_module_handles_every_feature_on_postgres() {
    use features_postgres as db;
    let Some(pg) = PgDb::new("codegen_rust::features") else {
        return;
    };
    let _p = project_on("tests/fixtures/codegen_features.toml", &pg.url);
    let mut c = pg.client();
    let person = |c: &mut postgres::Client, name: &str, manager: Option<i64>| {
        db::insert_person(
            c,
            &db::NewPerson {
                name: name.into(),
                manager_id: manager,
                mood: Some(db::Mood::V2Sad),
                r#type: None,
                select: Some(3),
                tags: Some(vec![Some("a".into()), None]),
                badge: None,
            },
        )
        .unwrap()
    };
    let boss = person(&mut c, "Boss", None);
    let eve = person(&mut c, "Eve", Some(boss.id));
    assert_eq!(
        (eve.r#type.as_str(), eve.mood),
        ("staff", Some(db::Mood::V2Sad))
    );
    assert_eq!(eve.badge.len(), 36, "a uuid as text: {}", eve.badge);
    assert_eq!(
        db::person_by_manager_id_of_person(&mut c, &eve).unwrap(),
        Some(boss.clone())
    );
    assert_eq!(
        db::people_by_manager_id_of_person(&mut c, &boss).unwrap(),
        vec![eve.clone()]
    );
    let proj = db::insert_project(
        &mut c,
        &db::NewProject {
            org: "acme".into(),
            code: "X1".into(),
            owner_id: boss.id,
            lead_id: Some(eve.id),
            budget: Some("100.5".into()),
            starts: Some("2026-12-01".into()),
            meta: None,
            seats: Some(3),
            mood: Some(db::Mood::SoSo),
        },
    )
    .unwrap();
    assert_eq!((proj.label.as_str(), proj.meta.as_str()), ("acme/X1", "{}"));
    assert_eq!(proj.budget.as_deref(), Some("100.50"));
    assert_eq!(
        db::get_project(&mut c, "acme", "X1").unwrap(),
        Some(proj.clone())
    );
    assert_eq!(
        db::projects_by_owner_id_of_person(&mut c, &boss).unwrap(),
        vec![proj.clone()]
    );
    assert_eq!(
        db::projects_by_lead_id_of_person(&mut c, &boss).unwrap(),
        vec![]
    );
    db::insert_project_member(
        &mut c,
        &db::NewProjectMember {
            org: "acme".into(),
            code: "X1".into(),
            person_id: eve.id,
            since: None,
        },
    )
    .unwrap();
    assert_eq!(
        db::people_of_project(&mut c, &proj).unwrap(),
        vec![eve.clone()]
    );
    assert_eq!(
        db::projects_of_person(&mut c, &eve).unwrap(),
        vec![proj.clone()]
    );
    let mut changed = proj.clone();
    changed.mood = db::Mood::Happy;
    changed.seats = 9;
    changed.starts = None;
    assert!(db::update_project(&mut c, &changed).unwrap());
    let got = db::get_project(&mut c, "acme", "X1").unwrap().unwrap();
    assert_eq!(
        (got.mood, got.seats, got.starts),
        (db::Mood::Happy, 9, None)
    );
    let acct = db::insert_crm_account(
        &mut c,
        &db::NewCrmAccount {
            no: None,
            holder: eve.id,
            active: None,
            score: Some(0.5),
            blob: Some(vec![0, 1, 255]),
        },
    )
    .unwrap();
    assert_eq!((acct.no, acct.active), (1, true));
    assert_eq!(
        db::find_crm_account_by_holder(&mut c, eve.id).unwrap(),
        Some(acct.clone())
    );
    assert_eq!(
        db::crm_accounts_of_person(&mut c, &eve).unwrap(),
        vec![acct]
    );
    let ev = db::insert_event(
        &mut c,
        &db::NewEvent {
            at: "2026-12-01 08:00:00".into(),
            what: "kickoff".into(),
        },
    )
    .unwrap();
    assert_eq!(db::list_events(&mut c).unwrap(), vec![ev]);
    // Deleting the project cascades to its members.
    assert!(db::delete_project(&mut c, "acme", "X1").unwrap());
    assert_eq!(db::list_project_members(&mut c).unwrap(), vec![]);
}

#[test]
fn rust_module_runs_the_booking_example_on_mariadb() {
    use booking_mysql as db;
    let Some(my) = MyDb::new("codegen_rust::mariadb") else {
        return;
    };
    let _p = project_on("examples/mariadb/models.toml", &my.url);
    let mut c = my.conn();
    let ann = db::insert_user(
        &mut c,
        &db::NewUser {
            email: "ann@example.com".into(),
            full_name: "Ann".into(),
            phone: None,
            role: None,
            created_at: None,
        },
    )
    .unwrap();
    assert_eq!((ann.id, ann.role.as_str()), (1, "member"));
    let room = db::insert_room(
        &mut c,
        &db::NewRoom {
            name: "Blue".into(),
            capacity: 8,
            floor: None,
        },
    )
    .unwrap();
    let b = db::insert_booking(
        &mut c,
        &db::NewBooking {
            user_id: ann.id,
            room_id: room.id,
            starts_at: "2026-12-01 09:00:00".into(),
            ends_at: "2026-12-01 10:00:00".into(),
            status: None,
            note: None,
            created_at: None,
            updated_at: None,
        },
    )
    .unwrap();
    assert_eq!(
        (b.status.as_str(), b.starts_at.as_str()),
        ("pending", "2026-12-01 09:00:00")
    );
    assert_eq!(db::bookings_of_user(&mut c, &ann).unwrap(), vec![b.clone()]);
    assert!(
        db::update_booking(&mut c, &b).unwrap(),
        "an unchanged row still counts as found"
    );
    let mut cancelled = b.clone();
    cancelled.status = "cancelled".into();
    assert!(db::update_booking(&mut c, &cancelled).unwrap());
    assert_eq!(db::get_booking(&mut c, b.id).unwrap(), Some(cancelled));
    assert!(db::delete_booking(&mut c, b.id).unwrap());
    assert_eq!(db::get_booking(&mut c, b.id).unwrap(), None);
}

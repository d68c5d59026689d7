//! Step 4 of the README's walkthrough: the room-booking tables used from Rust through `db.rs`, the
//! module `autogen codegen --lang rust -o examples/booking/db.rs` writes from models.toml.
//! Run `cargo run --release -- upgrade head` first, then `cargo run --example booking` (repeatable).

// A program uses part of the generated functions.
#[allow(dead_code)]
#[path = "db.rs"]
mod db;

fn main() -> Result<(), rusqlite::Error> {
    let conn = rusqlite::Connection::open("booking.db")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    let ada = match db::find_user_by_email(&conn, "ada@example.com")? {
        Some(u) => u,
        None => db::insert_user(
            &conn,
            &db::NewUser {
                email: "ada@example.com".into(),
                full_name: "Ada Lovelace".into(),
                phone: None,
                role: None,
                created_at: None,
            },
        )?,
    };
    let room = match db::find_room_by_name(&conn, "Babbage")? {
        Some(r) => r,
        None => db::insert_room(
            &conn,
            &db::NewRoom {
                name: "Babbage".into(),
                capacity: 6,
                floor: Some(1),
            },
        )?,
    };
    // Book the next free hour of December 1st, then cancel the first booking still pending.
    let n = db::bookings_of_room(&conn, &room)?.len();
    let booked = db::insert_booking(
        &conn,
        &db::NewBooking {
            user_id: ada.id,
            room_id: room.id,
            starts_at: format!("2026-12-01 {:02}:00", 8 + n),
            ends_at: format!("2026-12-01 {:02}:00", 9 + n),
            status: None,
            note: Some("design review".into()),
            created_at: None,
            updated_at: None,
        },
    )?;
    println!(
        "booked #{} {} for {}",
        booked.id, booked.starts_at, ada.full_name
    );
    let mine = db::bookings_of_user(&conn, &ada)?;
    if let Some(first) = mine.iter().find(|b| b.status == "pending") {
        let mut cancelled = first.clone();
        cancelled.status = "cancelled".into();
        db::update_booking(&conn, &cancelled)?;
        println!("cancelled #{}", cancelled.id);
    }
    for b in db::bookings_of_user(&conn, &ada)? {
        let room = db::room_of_booking(&conn, &b)?
            .map(|r| r.name)
            .unwrap_or_default();
        println!(
            "  #{} {} – {} in {room}: {}",
            b.id, b.starts_at, b.ends_at, b.status
        );
    }
    Ok(())
}

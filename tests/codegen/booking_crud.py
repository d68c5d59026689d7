"""The room-booking example through its generated SQLAlchemy module: bookings created, listed per
user, cancelled and deleted; relationships walked both ways and through the many-to-many table.

Usage: booking_crud.py MODULE.py SQLALCHEMY_URL (an empty database; create_all() runs first)
"""

import datetime
import importlib.util
import sys
import warnings

warnings.simplefilter("error")

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
db = importlib.util.module_from_spec(spec)
sys.modules["generated"] = db  # SQLAlchemy resolves the annotations in the module's namespace
spec.loader.exec_module(db)
engine = sa.create_engine(sys.argv[2])
if engine.dialect.name == "sqlite":
    # SQLite enforces foreign keys (and their ON DELETE) only when each connection asks.
    sa.event.listen(engine, "connect", lambda c, _: c.execute("PRAGMA foreign_keys = ON"))
db.Base.metadata.create_all(engine)
pg = engine.dialect.name == "postgresql"
tz = datetime.timezone.utc if pg else None
status = getattr(db, "BookingStatus", None)
pending = status.PENDING if status else "pending"
cancelled = status.CANCELLED if status else "cancelled"

with Session(engine) as s:
    ann = db.User(email="ann@example.com", full_name="Ann")
    room = db.Room(name="Blue Room", capacity=8)
    s.add_all([ann, room])
    s.flush()
    if hasattr(db, "Feature"):
        projector = db.Feature(id=7, name="projector")
        room.features.append(projector)
    day = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=tz)
    b1 = db.Booking(user=ann, room=room, starts_at=day, ends_at=day + datetime.timedelta(hours=1))
    b2 = db.Booking(
        user=ann,
        room=room,
        starts_at=day + datetime.timedelta(days=1),
        ends_at=day + datetime.timedelta(days=1, hours=1),
    )
    s.add_all([b1, b2])
    s.commit()
    ids = (ann.id, b1.id, b2.id)

with Session(engine) as s:
    ann = s.get(db.User, ids[0])
    mine = s.scalars(sa.select(db.Booking).where(db.Booking.user_id == ann.id).order_by(db.Booking.id)).all()
    assert [b.id for b in mine] == [ids[1], ids[2]], mine
    assert [b.id for b in sorted(ann.bookings, key=lambda b: b.id)] == [ids[1], ids[2]]
    b1 = s.get(db.Booking, ids[1])
    assert b1.status == pending, b1.status
    assert b1.user is ann and b1.room.name == "Blue Room"
    if hasattr(db, "Feature"):
        assert [f.name for f in b1.room.features] == ["projector"]
        assert [r.name for r in s.get(db.Feature, 7).rooms] == ["Blue Room"]
    b1.status = cancelled
    s.delete(s.get(db.Booking, ids[2]))
    s.commit()

with Session(engine) as s:
    assert s.get(db.Booking, ids[1]).status == cancelled
    assert s.get(db.Booking, ids[2]) is None
    left = s.scalars(sa.select(db.Booking)).all()
    assert [b.id for b in left] == [ids[1]], left

# Deleting a user deletes their bookings (ON DELETE CASCADE): the ORM leaves it to the database.
with Session(engine) as s:
    s.delete(s.get(db.User, ids[0]))
    s.commit()
    assert s.scalars(sa.select(db.Booking)).all() == []
engine.dispose()
print("ok")

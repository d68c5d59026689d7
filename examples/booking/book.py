"""Step 4 of the README's walkthrough in Python: the room-booking tables used through models.py, the
module `autogen codegen --lang sqlalchemy -o examples/booking/models.py` writes from models.toml.

Run `autogen upgrade head` first (the database is booking.db in the current directory), then
`python3 examples/booking/book.py` (needs SQLAlchemy 2: `pip install 'sqlalchemy>=2'`). Repeatable.
"""

import datetime
import os
import sys

import sqlalchemy as sa
from sqlalchemy.orm import Session

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402

engine = sa.create_engine("sqlite:///booking.db")
with Session(engine) as s:
    ada = s.scalars(sa.select(models.User).where(models.User.email == "ada@example.com")).first()
    if ada is None:
        ada = models.User(email="ada@example.com", full_name="Ada Lovelace")
        s.add(ada)
    room = s.scalars(sa.select(models.Room).where(models.Room.name == "Babbage")).first()
    if room is None:
        room = models.Room(name="Babbage", capacity=6, floor=1)
        s.add(room)
    s.flush()
    # Book the next free hour of December 2nd, then cancel the first booking still pending.
    hour = 8 + len(room.bookings)
    start = datetime.datetime(2026, 12, 2, hour)
    booked = models.Booking(user=ada, room=room, starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    s.add(booked)
    s.commit()
    print(f"booked #{booked.id} {booked.starts_at} for {ada.full_name}")
    pending = [b for b in ada.bookings if b.status == "pending"]
    if pending:
        pending[0].status = "cancelled"
        s.commit()
        print(f"cancelled #{pending[0].id}")
    for b in sorted(ada.bookings, key=lambda b: b.id):
        print(f"  #{b.id} {b.starts_at} - {b.ends_at} in {b.room.name}: {b.status}")

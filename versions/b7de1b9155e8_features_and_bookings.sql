-- revision: b7de1b9155e8
-- down_revision: 93c96bd8c284
-- message: features and bookings
-- created: 2026-11-23T23:10:10Z
-- dialect: sqlite

-- upgrade
CREATE TABLE "bookings" (
    "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    "user_id" integer NOT NULL,
    "room_id" integer NOT NULL,
    "starts_at" timestamp NOT NULL,
    "ends_at" timestamp NOT NULL,
    "status" text NOT NULL DEFAULT 'pending',
    "created_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("room_id", "starts_at"),
    CHECK (ends_at > starts_at),
    CHECK (status IN ('pending', 'confirmed', 'cancelled')),
    FOREIGN KEY ("room_id") REFERENCES "rooms" ("id"),
    FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE INDEX "bookings_room_id_starts_at_idx" ON "bookings" ("room_id", "starts_at" DESC) WHERE status <> 'cancelled';
CREATE TABLE "features" (
    "id" integer PRIMARY KEY NOT NULL,
    "name" text NOT NULL,
    UNIQUE ("name")
);
CREATE TABLE "room_features" (
    "room_id" integer NOT NULL,
    "feature_id" integer NOT NULL,
    PRIMARY KEY ("room_id", "feature_id"),
    FOREIGN KEY ("feature_id") REFERENCES "features" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("room_id") REFERENCES "rooms" ("id") ON DELETE CASCADE
);

-- downgrade
DROP TABLE "room_features";
DROP TABLE "features";
DROP TABLE "bookings";

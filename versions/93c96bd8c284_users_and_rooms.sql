-- revision: 93c96bd8c284
-- down_revision: 
-- message: users and rooms
-- created: 2026-11-23T23:10:10Z
-- dialect: sqlite

-- upgrade
CREATE TABLE "rooms" (
    "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" text NOT NULL,
    "capacity" integer NOT NULL,
    UNIQUE ("name"),
    CHECK (capacity > 0)
);
CREATE TABLE "users" (
    "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    "email" varchar(255) NOT NULL,
    "full_name" text NOT NULL,
    "role" text NOT NULL DEFAULT 'member',
    "created_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("email"),
    CHECK (role IN ('member', 'manager', 'admin'))
);
CREATE UNIQUE INDEX "users_email_ci" ON "users" ((lower(email)));

-- downgrade
DROP TABLE "users";
DROP TABLE "rooms";

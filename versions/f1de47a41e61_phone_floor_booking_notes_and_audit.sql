-- revision: f1de47a41e61
-- down_revision: b7de1b9155e8
-- message: phone, floor, booking notes and audit
-- created: 2026-11-23T23:10:10Z
-- dialect: sqlite

-- upgrade
ALTER TABLE "bookings" ADD COLUMN "note" text;
ALTER TABLE "bookings" ADD COLUMN "updated_at" timestamp;
ALTER TABLE "rooms" ADD COLUMN "floor" integer;
ALTER TABLE "users" ADD COLUMN "phone" text;

-- downgrade
ALTER TABLE "users" DROP COLUMN "phone";
ALTER TABLE "rooms" DROP COLUMN "floor";
ALTER TABLE "bookings" DROP COLUMN "updated_at";
ALTER TABLE "bookings" DROP COLUMN "note";

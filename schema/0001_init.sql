-- 0001_init.sql: the first migration: service-wide operator notices (お知らせ) shown on the start page.
--
-- Conventions for every migration (see fcgi/db/migrate.h):
-- - one statement per ';' at the end of a line; files are applied once, in number order, and never
--   edited after they were applied (the checksum is recorded): change the schema with a new file;
-- - MariaDB DDL is not transactional, so write statements that converge when a file is re-run after a
--   failure (CREATE TABLE IF NOT EXISTS, ADD COLUMN IF NOT EXISTS, ...);
-- - InnoDB, utf8mb4 with utf8mb4_bin (byte-exact comparison; see ops/dev/mariadb.sh), ROW_FORMAT=DYNAMIC,
--   ENCRYPTED=YES (the server also forces encryption: innodb_encrypt_tables=FORCE);
-- - every DATETIME holds UTC (the session time zone is '+00:00'); pages show JST.

CREATE TABLE IF NOT EXISTS notices (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	kind ENUM('info', 'maintenance', 'change', 'vulnerability', 'incident') NOT NULL DEFAULT 'info',
	title_ja VARCHAR(200) NOT NULL,
	title_en VARCHAR(200) NOT NULL DEFAULT '',
	body_ja TEXT NOT NULL,
	body_en TEXT NOT NULL DEFAULT '',
	published_at DATETIME(0) NOT NULL COMMENT 'UTC; a notice is shown once this time has passed',
	created_at DATETIME(0) NOT NULL DEFAULT UTC_TIMESTAMP() COMMENT 'UTC',
	PRIMARY KEY (id),
	KEY idx_notices_published_at (published_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC ENCRYPTED=YES;

-- 0004_conversion.sql: data-format conversion (templates with versions, code lookup tables) and flows
-- (source → template → destination on a schedule), their runs, the delivery ledger and the files produced.
--
-- Conventions of 0002/0003 apply: random 63-bit ids made by the application, tenant_id on every row and in
-- every query, *_enc sealed with AES-256-GCM under the tenant data key with AAD (tenant, table, column, row id),
-- times in UTC.

-- A template's identity; its content lives in versions (every save is a new version, never an update).
CREATE TABLE conv_templates (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	name VARCHAR(100) NOT NULL,
	kind ENUM('order','order_line','product','stock','shipment') NOT NULL,
	current_version INT UNSIGNED NOT NULL,          -- the version flows use (a rollback points it back)
	latest_version INT UNSIGNED NOT NULL,           -- the highest version number written
	standard_key VARCHAR(40) NULL,                  -- the shipped standard template it was made from
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	UNIQUE KEY conv_templates_name (tenant_id, name),
	CONSTRAINT conv_templates_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

-- One immutable row per save. definition is the JSON the converter compiles (fcgi/convert/conv_def.h):
-- columns (header, source: field | fixed | expr), filter, sort, header row, encoding, line ends, quoting,
-- the policy for characters CP932 cannot encode, the file name pattern.
CREATE TABLE conv_template_versions (
	tenant_id BIGINT UNSIGNED NOT NULL,
	template_id BIGINT UNSIGNED NOT NULL,
	version INT UNSIGNED NOT NULL,
	definition MEDIUMTEXT NOT NULL,
	note VARCHAR(200) NOT NULL DEFAULT '',          -- e.g. "v3 に戻しました"
	created_by BIGINT UNSIGNED NULL,                -- users.id (NULL: the system, e.g. a standard template)
	created_at DATETIME NOT NULL,
	PRIMARY KEY (template_id, version),
	KEY conv_template_versions_tenant (tenant_id, template_id),
	CONSTRAINT conv_template_versions_template FOREIGN KEY (template_id) REFERENCES conv_templates (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

-- Code mapping tables for lookup("name", key, default), edited in the UI and imported/exported as CSV.
CREATE TABLE lookup_tables (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	name VARCHAR(100) NOT NULL,
	description VARCHAR(500) NOT NULL DEFAULT '',
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	UNIQUE KEY lookup_tables_name (tenant_id, name),
	CONSTRAINT lookup_tables_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE lookup_entries (
	tenant_id BIGINT UNSIGNED NOT NULL,
	table_id BIGINT UNSIGNED NOT NULL,
	lookup_key VARCHAR(255) NOT NULL,               -- exact, byte-wise (utf8mb4_bin)
	lookup_value VARCHAR(1000) NOT NULL,
	PRIMARY KEY (table_id, lookup_key),
	KEY lookup_entries_tenant (tenant_id, table_id),
	CONSTRAINT lookup_entries_table FOREIGN KEY (table_id) REFERENCES lookup_tables (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

-- A flow: which records (kind from the template, source connections, filter) go through which template to
-- which destination, when. Claimed by ecc-fetch like sync_jobs (FOR UPDATE SKIP LOCKED, time-limited lease).
CREATE TABLE flows (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	name VARCHAR(100) NOT NULL,
	template_id BIGINT UNSIGNED NOT NULL,
	filter_expr VARCHAR(4000) NOT NULL DEFAULT '',  -- an expression over the record; '' = every record
	destination ENUM('download','sftp','http') NOT NULL,
	destination_settings TEXT NOT NULL,             -- JSON of the non-secret fields (host, port, user, dir, host key, url)
	destination_secret_enc VARBINARY(16384) NULL,   -- sealed JSON {password | private_key | token}
	schedule_kind ENUM('interval','times','manual') NOT NULL,
	interval_min INT UNSIGNED NULL,                 -- every N minutes (schedule_kind interval)
	schedule_times VARCHAR(200) NULL,               -- "09:00,13:30" JST (schedule_kind times)
	schedule_days TINYINT UNSIGNED NOT NULL DEFAULT 127, -- bit 0 = 日曜 … bit 6 = 土曜
	keep_days SMALLINT UNSIGNED NOT NULL DEFAULT 30,  -- produced files are kept this many days
	paused TINYINT(1) NOT NULL DEFAULT 0,
	next_run_at DATETIME(3) NULL,                   -- NULL: not scheduled (manual, or paused)
	run_requested TINYINT(1) NOT NULL DEFAULT 0,    -- 今すぐ実行
	resend_run_id BIGINT UNSIGNED NULL,             -- 再送 of a run: the next run delivers that run's file again
	lease_owner VARCHAR(80) NULL,
	lease_until DATETIME(3) NULL,
	last_run_id BIGINT UNSIGNED NULL,
	consecutive_failures INT UNSIGNED NOT NULL DEFAULT 0,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	UNIQUE KEY flows_name (tenant_id, name),
	KEY flows_due (next_run_at),
	KEY flows_template (tenant_id, template_id),
	CONSTRAINT flows_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
	CONSTRAINT flows_template_fk FOREIGN KEY (template_id) REFERENCES conv_templates (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE flow_sources (
	tenant_id BIGINT UNSIGNED NOT NULL,
	flow_id BIGINT UNSIGNED NOT NULL,
	connection_id BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (flow_id, connection_id),
	KEY flow_sources_connection (tenant_id, connection_id),
	CONSTRAINT flow_sources_flow FOREIGN KEY (flow_id) REFERENCES flows (id) ON DELETE CASCADE,
	CONSTRAINT flow_sources_connection_fk FOREIGN KEY (connection_id) REFERENCES connections (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE flow_runs (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	flow_id BIGINT UNSIGNED NOT NULL,
	trigger_kind ENUM('schedule','manual','resend_run','resend_record') NOT NULL,
	resend_of_run_id BIGINT UNSIGNED NULL,
	template_version INT UNSIGNED NOT NULL,
	status ENUM('running','ok','partial','nothing','failed','abandoned') NOT NULL,
	started_at DATETIME(3) NOT NULL,
	finished_at DATETIME(3) NULL,
	records_in INT UNSIGNED NOT NULL DEFAULT 0,     -- candidates not yet delivered by this flow
	records_out INT UNSIGNED NOT NULL DEFAULT 0,    -- written to the file
	records_failed INT UNSIGNED NOT NULL DEFAULT 0, -- with an error (expression, encoding policy "fail")
	rows_out INT UNSIGNED NOT NULL DEFAULT 0,       -- CSV data rows (line-level templates: one per line)
	chars_unencodable INT UNSIGNED NOT NULL DEFAULT 0,
	file_id BIGINT UNSIGNED NULL,
	delivery_status ENUM('none','delivered','failed','download') NOT NULL DEFAULT 'none',
	delivery_message VARCHAR(500) NULL,
	error VARCHAR(500) NULL,
	lease_owner VARCHAR(80) NULL,
	KEY flow_runs_flow (tenant_id, flow_id, started_at),
	CONSTRAINT flow_runs_flow_fk FOREIGN KEY (flow_id) REFERENCES flows (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

-- Per-record problems of a run: errors (the record was not written) and encoding reports (a character CP932
-- cannot encode, with what the template's policy did about it).
CREATE TABLE flow_run_issues (
	tenant_id BIGINT UNSIGNED NOT NULL,
	run_id BIGINT UNSIGNED NOT NULL,
	seq INT UNSIGNED NOT NULL,
	kind ENUM('error','unencodable') NOT NULL,
	record_id BIGINT UNSIGNED NULL,
	record_label VARCHAR(100) NOT NULL DEFAULT '',  -- e.g. the order number
	column_name VARCHAR(100) NOT NULL DEFAULT '',
	codepoint INT UNSIGNED NULL,
	action ENUM('failed','replaced','dropped') NULL,
	message VARCHAR(500) NOT NULL,
	PRIMARY KEY (run_id, seq),
	KEY flow_run_issues_tenant (tenant_id, run_id),
	CONSTRAINT flow_run_issues_run FOREIGN KEY (run_id) REFERENCES flow_runs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

-- The delivery ledger: a record goes out once per flow. A row is written in the transaction that records the
-- successful delivery (or, for download flows, the stored file); 再送 of a record deletes its row and requests
-- a run, 再送 of a run delivers the run's stored file again and adds nothing here.
CREATE TABLE flow_ledger (
	tenant_id BIGINT UNSIGNED NOT NULL,
	flow_id BIGINT UNSIGNED NOT NULL,
	record_id BIGINT UNSIGNED NOT NULL,             -- orders.id / products.id / shipments.id / stock row hash
	run_id BIGINT UNSIGNED NOT NULL,
	delivered_at DATETIME NOT NULL,
	PRIMARY KEY (flow_id, record_id),
	KEY flow_ledger_run (tenant_id, run_id),
	CONSTRAINT flow_ledger_flow FOREIGN KEY (flow_id) REFERENCES flows (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

-- Files produced by runs (and previews are never stored): sealed, so any worker on any host can serve them;
-- deleted after the flow's keep_days by ecc-fetch.
CREATE TABLE flow_files (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	flow_id BIGINT UNSIGNED NOT NULL,
	run_id BIGINT UNSIGNED NOT NULL,
	file_name VARCHAR(255) NOT NULL,
	content_type VARCHAR(100) NOT NULL,
	size_bytes INT UNSIGNED NOT NULL,
	sha256 BINARY(32) NOT NULL,                     -- of the plain file, shown so a receiver can verify
	content_enc LONGBLOB NOT NULL,
	created_at DATETIME NOT NULL,
	expires_at DATETIME NOT NULL,
	KEY flow_files_flow (tenant_id, flow_id, created_at),
	KEY flow_files_expiry (expires_at),
	CONSTRAINT flow_files_flow_fk FOREIGN KEY (flow_id) REFERENCES flows (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

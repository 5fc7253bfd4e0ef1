-- 0003_connectors.sql: connections to e-commerce platforms, the fetcher's work queue and run history, and the
-- data it brings in: orders with lines, products/SKUs, stock levels, shipments.
--
-- Conventions of 0002 apply: ids are random 63-bit numbers made by the application (known before INSERT, so
-- encrypted columns bind their row id into the AEAD associated data); every table has tenant_id and every
-- query is scoped by it; *_enc columns are AES-256-GCM under the tenant's data key (fcgi/crypto/seal.h).
-- Times are UTC. Money is DECIMAL(18,4): exact, and wide enough for every currency the platforms send.
-- Source timestamps are converted to UTC by each platform client (Shopify "+09:00", 楽天 "+0900", Amazon
-- "Z"); *_offset_min keeps the offset the source used, so the original local time can be shown again.

CREATE TABLE connections (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	platform ENUM('shopify','rakuten','amazon') NOT NULL,
	name VARCHAR(100) NOT NULL,
	endpoint VARCHAR(255) NOT NULL,                 -- API base URL (official default; emulators in tests)
	settings TEXT NOT NULL,                         -- JSON of the non-secret fields (shop domain, API version …)
	credentials_enc VARBINARY(4096) NOT NULL,       -- sealed JSON of the secret fields
	credential_expires_at DATETIME NULL,            -- e.g. 楽天 license key (90 days)
	expiry_warned_days SMALLINT NULL,               -- last expiry warning mailed: 14, 7 or 1 (reset on change)
	paused TINYINT(1) NOT NULL DEFAULT 0,
	auth_failed TINYINT(1) NOT NULL DEFAULT 0,      -- 401/403 from the platform: not retried until edited
	last_success_at DATETIME NULL,
	last_error_at DATETIME NULL,
	last_error VARCHAR(500) NULL,                   -- user-facing message (never a secret or raw payload)
	consecutive_failures INT UNSIGNED NOT NULL DEFAULT 0,
	failure_notified TINYINT(1) NOT NULL DEFAULT 0, -- admins were mailed about the current failure streak
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	UNIQUE KEY connections_name (tenant_id, name),
	CONSTRAINT connections_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

-- One row per connection × stream: the fetcher's work queue (claimed with FOR UPDATE SKIP LOCKED and a
-- time-limited lease) and the stream's incremental state.
CREATE TABLE sync_jobs (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	connection_id BIGINT UNSIGNED NOT NULL,
	stream ENUM('orders','products','stock') NOT NULL,
	interval_s INT UNSIGNED NOT NULL DEFAULT 60,
	next_run_at DATETIME(3) NOT NULL,
	run_requested TINYINT(1) NOT NULL DEFAULT 0,    -- 今すぐ同期: due at once, also when paused
	lease_owner VARCHAR(80) NULL,                   -- "<host>:<pid>:<random>" of the fetcher holding it
	lease_until DATETIME(3) NULL,
	cursor_at DATETIME(3) NULL,                     -- committed high-water mark (UTC): next window starts here − overlap
	window_from DATETIME(3) NULL,                   -- window of the run in progress (kept across a crash)
	window_to DATETIME(3) NULL,
	resume_token TEXT NULL,                         -- platform page token within the window, after the last committed page
	consecutive_failures INT UNSIGNED NOT NULL DEFAULT 0,
	last_run_id BIGINT UNSIGNED NULL,
	UNIQUE KEY sync_jobs_stream (connection_id, stream),
	KEY sync_jobs_due (next_run_at),
	KEY sync_jobs_tenant (tenant_id, connection_id),
	CONSTRAINT sync_jobs_connection FOREIGN KEY (connection_id) REFERENCES connections (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE sync_runs (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	connection_id BIGINT UNSIGNED NOT NULL,
	job_id BIGINT UNSIGNED NOT NULL,
	stream ENUM('orders','products','stock') NOT NULL,
	trigger_kind ENUM('schedule','manual','test') NOT NULL DEFAULT 'schedule',
	fetcher VARCHAR(80) NOT NULL,
	started_at DATETIME(3) NOT NULL,
	finished_at DATETIME(3) NULL,
	status ENUM('running','ok','failed','abandoned') NOT NULL DEFAULT 'running',
	new_count INT UNSIGNED NOT NULL DEFAULT 0,
	updated_count INT UNSIGNED NOT NULL DEFAULT 0,
	unchanged_count INT UNSIGNED NOT NULL DEFAULT 0,
	failed_count INT UNSIGNED NOT NULL DEFAULT 0,
	api_calls INT UNSIGNED NOT NULL DEFAULT 0,
	bytes_in BIGINT UNSIGNED NOT NULL DEFAULT 0,
	error VARCHAR(500) NULL,
	KEY sync_runs_conn (tenant_id, connection_id, started_at),
	KEY sync_runs_job (job_id, started_at),
	KEY sync_runs_tenant (tenant_id, started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE sync_record_errors (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	run_id BIGINT UNSIGNED NOT NULL,
	connection_id BIGINT UNSIGNED NOT NULL,
	external_id VARCHAR(100) NOT NULL,
	message VARCHAR(500) NOT NULL,
	created_at DATETIME(3) NOT NULL,
	KEY sync_record_errors_run (tenant_id, run_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE orders (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	connection_id BIGINT UNSIGNED NOT NULL,
	external_id VARCHAR(100) NOT NULL,              -- the platform's order id
	order_number VARCHAR(100) NOT NULL,             -- what the shop and the buyer see
	status ENUM('pending','paid','shipped','cancelled','refunded','other') NOT NULL,
	platform_status VARCHAR(64) NOT NULL,           -- the platform's own status text
	ordered_at DATETIME NOT NULL,
	ordered_offset_min SMALLINT NOT NULL DEFAULT 0,
	source_updated_at DATETIME(3) NOT NULL,
	currency CHAR(3) NOT NULL,
	subtotal DECIMAL(18,4) NOT NULL,
	shipping_fee DECIMAL(18,4) NOT NULL,
	tax DECIMAL(18,4) NOT NULL,
	discount DECIMAL(18,4) NOT NULL,
	total DECIMAL(18,4) NOT NULL,
	line_count SMALLINT UNSIGNED NOT NULL,
	item_quantity INT UNSIGNED NOT NULL,
	buyer_enc VARBINARY(2048) NULL,                 -- sealed JSON {name, kana, email, phone}
	ship_to_enc VARBINARY(2048) NULL,               -- sealed JSON {name, postal_code, prefecture, city, address1, address2, phone}
	content_hash BINARY(32) NOT NULL,               -- SHA-256 of the normalised order: unchanged rows are not rewritten
	first_seen_at DATETIME NOT NULL,
	changed_at DATETIME NOT NULL,                   -- when our copy last changed
	UNIQUE KEY orders_external (tenant_id, connection_id, external_id),
	KEY orders_ordered (tenant_id, ordered_at, id),
	KEY orders_conn_ordered (tenant_id, connection_id, ordered_at, id),
	KEY orders_number (tenant_id, order_number),
	KEY orders_status (tenant_id, status, ordered_at),
	KEY orders_conn_status (tenant_id, connection_id, status, ordered_at),
	KEY orders_total (tenant_id, total),
	KEY orders_conn_total (tenant_id, connection_id, total)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE order_lines (
	order_id BIGINT UNSIGNED NOT NULL,
	line_no SMALLINT UNSIGNED NOT NULL,
	tenant_id BIGINT UNSIGNED NOT NULL,
	external_line_id VARCHAR(100) NOT NULL,
	sku VARCHAR(100) NOT NULL,
	jan VARCHAR(20) NOT NULL,
	name VARCHAR(255) NOT NULL,
	quantity INT NOT NULL,
	unit_price DECIMAL(18,4) NOT NULL,
	tax_rate DECIMAL(5,2) NULL,                     -- percent (10.00, 8.00) when the platform says
	line_total DECIMAL(18,4) NOT NULL,
	PRIMARY KEY (order_id, line_no),
	KEY order_lines_sku (tenant_id, sku)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

-- The source payload as received, zlib-compressed then sealed, for audit and re-processing.
CREATE TABLE source_payloads (
	tenant_id BIGINT UNSIGNED NOT NULL,
	kind ENUM('order','product') NOT NULL,
	record_id BIGINT UNSIGNED NOT NULL,             -- orders.id / products.id
	payload_enc MEDIUMBLOB NOT NULL,
	raw_len INT UNSIGNED NOT NULL,
	received_at DATETIME NOT NULL,
	PRIMARY KEY (kind, record_id),
	KEY source_payloads_tenant (tenant_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE products (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	connection_id BIGINT UNSIGNED NOT NULL,
	external_id VARCHAR(100) NOT NULL,              -- the SKU-level id (Shopify variant, 楽天 variantId, ASIN+SKU)
	product_external_id VARCHAR(100) NOT NULL,
	sku VARCHAR(100) NOT NULL,
	jan VARCHAR(20) NOT NULL,
	name VARCHAR(255) NOT NULL,
	price DECIMAL(18,4) NOT NULL,
	currency CHAR(3) NOT NULL,
	source_updated_at DATETIME(3) NOT NULL,
	content_hash BINARY(32) NOT NULL,
	first_seen_at DATETIME NOT NULL,
	changed_at DATETIME NOT NULL,
	UNIQUE KEY products_external (tenant_id, connection_id, external_id),
	KEY products_sku (tenant_id, sku)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE stock_levels (
	tenant_id BIGINT UNSIGNED NOT NULL,
	connection_id BIGINT UNSIGNED NOT NULL,
	sku VARCHAR(100) NOT NULL,
	location_id VARCHAR(100) NOT NULL,              -- platform location ("" when the platform has one stock)
	location_name VARCHAR(200) NOT NULL,
	quantity INT NOT NULL,
	source_updated_at DATETIME(3) NULL,
	changed_at DATETIME NOT NULL,
	PRIMARY KEY (tenant_id, connection_id, sku, location_id),
	KEY stock_levels_sku (tenant_id, sku)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE shipments (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	connection_id BIGINT UNSIGNED NOT NULL,
	order_id BIGINT UNSIGNED NOT NULL,
	external_id VARCHAR(100) NOT NULL,
	carrier VARCHAR(100) NOT NULL,
	tracking_number VARCHAR(100) NOT NULL,
	shipped_at DATETIME NULL,
	status VARCHAR(64) NOT NULL,
	UNIQUE KEY shipments_external (tenant_id, connection_id, external_id),
	KEY shipments_order (tenant_id, order_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

-- 0002_accounts.sql: tenants, users, sessions, tokens, recovery codes, login history, audit log, mail outbox.
--
-- Conventions: every tenant-owned table has tenant_id and every query on it is scoped by it; ids are random
-- 63-bit numbers made by the application (non-sequential, and known before INSERT so that encrypted columns
-- can bind their row id into the AEAD associated data). *_enc columns hold AES-256-GCM ciphertext under the
-- tenant's data key (format in fcgi/crypto/seal.h); *_bidx columns hold HMAC blind indexes for lookups.
-- Secrets are stored only as hashes: passwords (Argon2id), session ids, tokens and recovery codes (SHA-256).
-- All times are UTC.

CREATE TABLE tenants (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	code VARCHAR(32) NOT NULL,                      -- 企業コード: [a-z0-9-]{3,32}, stored lower case
	name VARCHAR(200) NOT NULL,
	status ENUM('active','suspended','terminated') NOT NULL DEFAULT 'active',
	dek_wrapped VARBINARY(128) NOT NULL,            -- the tenant's data key, wrapped by the KEK
	pw_min_length TINYINT UNSIGNED NOT NULL DEFAULT 12,
	pw_history TINYINT UNSIGNED NOT NULL DEFAULT 0,  -- previous passwords that may not be reused
	pw_composition TINYINT(1) NOT NULL DEFAULT 0,    -- not recommended (NIST SP 800-63B); off by default
	pw_expiry_days SMALLINT UNSIGNED NOT NULL DEFAULT 0, -- 0 = never; not recommended
	invite_ttl_hours TINYINT UNSIGNED NOT NULL DEFAULT 24,
	session_idle_minutes SMALLINT UNSIGNED NOT NULL DEFAULT 30,
	session_absolute_hours TINYINT UNSIGNED NOT NULL DEFAULT 12,
	lockout_threshold SMALLINT UNSIGNED NOT NULL DEFAULT 10,
	lockout_minutes SMALLINT UNSIGNED NOT NULL DEFAULT 15,
	created_at DATETIME NOT NULL,
	terminated_at DATETIME NULL,
	UNIQUE KEY tenants_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE users (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	email_bidx BINARY(32) NOT NULL,                 -- HMAC of the normalised address
	email_enc VARBINARY(700) NOT NULL,
	name_enc VARBINARY(700) NOT NULL,
	lang ENUM('ja','en') NOT NULL DEFAULT 'ja',
	role ENUM('viewer','editor','admin') NOT NULL,
	status ENUM('invited','active','disabled') NOT NULL DEFAULT 'invited',
	restrict_connections TINYINT(1) NOT NULL DEFAULT 0, -- 1: only the connections in user_connection_access
	password_hash VARCHAR(255) NULL,                -- Argon2id encoded string
	password_changed_at DATETIME NULL,
	totp_secret_enc VARBINARY(200) NULL,
	totp_enabled TINYINT(1) NOT NULL DEFAULT 0,
	totp_last_step BIGINT NOT NULL DEFAULT 0,       -- last accepted RFC 6238 time step (replay guard)
	failed_logins INT UNSIGNED NOT NULL DEFAULT 0,
	locked_until DATETIME NULL,
	created_at DATETIME NOT NULL,
	UNIQUE KEY users_email (tenant_id, email_bidx),
	KEY users_status (tenant_id, status),
	CONSTRAINT users_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE user_connection_access (
	tenant_id BIGINT UNSIGNED NOT NULL,
	user_id BIGINT UNSIGNED NOT NULL,
	connection_id BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (tenant_id, user_id, connection_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE password_history (
	tenant_id BIGINT UNSIGNED NOT NULL,
	user_id BIGINT UNSIGNED NOT NULL,
	password_hash VARCHAR(255) NOT NULL,
	created_at DATETIME(3) NOT NULL,
	KEY password_history_user (tenant_id, user_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE recovery_codes (
	tenant_id BIGINT UNSIGNED NOT NULL,
	user_id BIGINT UNSIGNED NOT NULL,
	code_hash BINARY(32) NOT NULL,
	used_at DATETIME NULL,
	PRIMARY KEY (tenant_id, user_id, code_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

-- Single-use links: invitations (set the first password) and password resets.
CREATE TABLE auth_tokens (
	token_hash BINARY(32) NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	user_id BIGINT UNSIGNED NOT NULL,
	kind ENUM('invite','reset') NOT NULL,
	expires_at DATETIME NOT NULL,
	used_at DATETIME NULL,
	created_at DATETIME NOT NULL,
	KEY auth_tokens_user (tenant_id, user_id, kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

-- Server-side sessions; the cookie carries the id, the table only its SHA-256.
CREATE TABLE sessions (
	id_hash BINARY(32) NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	user_id BIGINT UNSIGNED NOT NULL,
	state ENUM('pending','enrol','active') NOT NULL, -- pending: password ok, second factor due
	created_at DATETIME(3) NOT NULL,
	last_seen_at DATETIME(3) NOT NULL,
	expires_at DATETIME(3) NOT NULL,                 -- absolute end
	authenticated_at DATETIME(3) NULL,               -- last full second-factor check (step-up)
	code_failures TINYINT UNSIGNED NOT NULL DEFAULT 0,
	ip_enc VARBINARY(200) NULL,
	ua_enc VARBINARY(1200) NULL,
	KEY sessions_user (tenant_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE login_history (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	user_id BIGINT UNSIGNED NULL,                    -- NULL: no such user in this tenant
	at DATETIME(3) NOT NULL,
	result ENUM('success','failure') NOT NULL,
	reason VARCHAR(32) NOT NULL,                     -- category: ok, bad_password, bad_code, locked, ...
	factor VARCHAR(16) NOT NULL,                     -- password, totp, recovery
	ip_enc VARBINARY(200) NULL,
	ua_enc VARBINARY(1200) NULL,
	KEY login_history_tenant (tenant_id, at),
	KEY login_history_user (tenant_id, user_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

-- Append-only, hash-chained per tenant: hash = SHA-256(prev_hash || canonical row text).
CREATE TABLE audit_log (
	seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	at DATETIME(3) NOT NULL,
	actor_user_id BIGINT UNSIGNED NULL,
	action VARCHAR(48) NOT NULL,
	target_user_id BIGINT UNSIGNED NULL,
	detail VARCHAR(400) NOT NULL DEFAULT '',         -- never personal data or secrets
	prev_hash BINARY(32) NOT NULL,
	hash BINARY(32) NOT NULL,
	KEY audit_log_tenant (tenant_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';

-- Mail goes out through this table so that an SMTP outage loses nothing. Recipient, subject and body are
-- sealed with the tenant's key (bodies carry single-use links).
CREATE TABLE mail_outbox (
	id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	tenant_id BIGINT UNSIGNED NOT NULL,
	to_enc VARBINARY(700) NOT NULL,
	subject_enc VARBINARY(1200) NOT NULL,
	body_enc MEDIUMBLOB NOT NULL,
	status ENUM('queued','sent','failed') NOT NULL DEFAULT 'queued',
	attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
	next_attempt_at DATETIME NOT NULL,
	last_error VARCHAR(300) NOT NULL DEFAULT '',
	created_at DATETIME NOT NULL,
	sent_at DATETIME NULL,
	KEY mail_outbox_due (status, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

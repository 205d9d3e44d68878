"""The store's tables (SQLAlchemy Core). The Alembic migrations under `migrations/` create exactly these."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

scans = Table(
    "scans", metadata,
    Column("id", String(64), primary_key=True),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("complete", Boolean, nullable=False, default=False),
    Column("distributed", Boolean, nullable=False, default=False),
    Column("targets", JSON, nullable=False),
    Column("policy", JSON, nullable=False),
    Column("tool_version", String(32), nullable=False),
    Column("api_calls", JSON, nullable=False),
    Column("budgets", JSON, nullable=False),
    Column("incomplete_reasons", JSON, nullable=False),
)

scope_runs = Table(
    "scope_runs", metadata,
    Column("scan_id", String(64), ForeignKey("scans.id", ondelete="CASCADE"), primary_key=True),
    Column("scope_key", String(512), primary_key=True),
    Column("status", String(16), nullable=False),  # pending, done, failed (done with collection errors)
    Column("units", JSON, nullable=False),  # the unit labels of this scope run
    Column("finished_at", String(32)),
    Column("findings", Integer, nullable=False, default=0),
    Column("errors", Integer, nullable=False, default=0),
    Column("api_calls", Integer, nullable=False, default=0),
    Column("worker", String(255)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("inventory", JSON, nullable=False),
    Column("peak_rss_kb", Integer),
)

findings = Table(
    "findings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scan_id", String(64), ForeignKey("scans.id", ondelete="CASCADE"), nullable=False),
    Column("scope_key", String(512), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("check_id", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("category", String(32), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("scope", String(512), nullable=False),
    Column("location", String(128), nullable=False),
    Column("resource_id", Text, nullable=False),
    Column("resource_name", Text, nullable=False),
    Column("resource_kind", String(64), nullable=False),
    Column("message_ja", Text, nullable=False),
    Column("message_en", Text, nullable=False),
    Column("data", JSON, nullable=False),  # the whole finding (spool shape), to rebuild reports
)
Index("ix_findings_scan_scope", findings.c.scan_id, findings.c.scope_key)
Index("ix_findings_fingerprint", findings.c.fingerprint)

collection_errors = Table(
    "collection_errors", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scan_id", String(64), ForeignKey("scans.id", ondelete="CASCADE"), nullable=False),
    Column("scope_key", String(512), nullable=False),
    Column("data", JSON, nullable=False),
)
Index("ix_errors_scan_scope", collection_errors.c.scan_id, collection_errors.c.scope_key)

finding_state = Table(
    "finding_state", metadata,
    Column("fingerprint", String(64), primary_key=True),
    Column("check_id", String(32), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("scope", String(512), nullable=False),
    Column("resource_id", Text, nullable=False),
    Column("first_seen", String(32), nullable=False),
    Column("last_seen", String(32), nullable=False),
    Column("last_status", String(16), nullable=False),
    Column("last_scan_id", String(64), nullable=False),
    Column("first_failed", String(32)),
    Column("last_failed", String(32)),
)

plans = Table(
    "plans", metadata,
    Column("fingerprint", String(64), primary_key=True),
    Column("owner", String(255), nullable=False, default=""),
    Column("due", Date),
    Column("status", String(32), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("updated_at", String(32), nullable=False),
)

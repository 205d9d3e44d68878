"""The initial store: scans, scope runs, findings, collection errors, finding state, remediation plans.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table."""
    op.create_table(
        "scans",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32)),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("distributed", sa.Boolean, nullable=False),
        sa.Column("targets", sa.JSON, nullable=False),
        sa.Column("policy", sa.JSON, nullable=False),
        sa.Column("tool_version", sa.String(32), nullable=False),
        sa.Column("api_calls", sa.JSON, nullable=False),
        sa.Column("budgets", sa.JSON, nullable=False),
        sa.Column("incomplete_reasons", sa.JSON, nullable=False),
    )
    op.create_table(
        "scope_runs",
        sa.Column("scan_id", sa.String(64), sa.ForeignKey("scans.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("scope_key", sa.String(512), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("units", sa.JSON, nullable=False),
        sa.Column("finished_at", sa.String(32)),
        sa.Column("findings", sa.Integer, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("api_calls", sa.Integer, nullable=False),
        sa.Column("worker", sa.String(255)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("inventory", sa.JSON, nullable=False),
        sa.Column("peak_rss_kb", sa.Integer),
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scan_id", sa.String(64), sa.ForeignKey("scans.id", ondelete="CASCADE"), nullable=False),
        sa.Column("scope_key", sa.String(512), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("check_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("scope", sa.String(512), nullable=False),
        sa.Column("location", sa.String(128), nullable=False),
        sa.Column("resource_id", sa.Text, nullable=False),
        sa.Column("resource_name", sa.Text, nullable=False),
        sa.Column("resource_kind", sa.String(64), nullable=False),
        sa.Column("message_ja", sa.Text, nullable=False),
        sa.Column("message_en", sa.Text, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("ix_findings_scan_scope", "findings", ["scan_id", "scope_key"])
    op.create_index("ix_findings_fingerprint", "findings", ["fingerprint"])
    op.create_table(
        "collection_errors",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scan_id", sa.String(64), sa.ForeignKey("scans.id", ondelete="CASCADE"), nullable=False),
        sa.Column("scope_key", sa.String(512), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("ix_errors_scan_scope", "collection_errors", ["scan_id", "scope_key"])
    op.create_table(
        "finding_state",
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("check_id", sa.String(32), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("scope", sa.String(512), nullable=False),
        sa.Column("resource_id", sa.Text, nullable=False),
        sa.Column("first_seen", sa.String(32), nullable=False),
        sa.Column("last_seen", sa.String(32), nullable=False),
        sa.Column("last_status", sa.String(16), nullable=False),
        sa.Column("last_scan_id", sa.String(64), nullable=False),
        sa.Column("first_failed", sa.String(32)),
        sa.Column("last_failed", sa.String(32)),
    )
    op.create_table(
        "plans",
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("due", sa.Date),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    """Drop every table."""
    for name in ("plans", "finding_state", "collection_errors", "findings", "scope_runs", "scans"):
        op.drop_table(name)

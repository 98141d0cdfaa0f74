"""create reviews

Revision ID: 0002_create_reviews
Revises: 0001_create_items
Create Date: 2025-02-03 14:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_create_reviews"
down_revision = "0001_create_items"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_reviews_rating_range")),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_reviews_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    op.create_index(op.f("ix_reviews_item_id"), "reviews", ["item_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_reviews_item_id"), table_name="reviews")
    op.drop_table("reviews")

"""add items.category

Revision ID: 0003_add_item_category
Revises: 0002_create_reviews
Create Date: 2025-03-10 11:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_add_item_category"
down_revision = "0002_create_reviews"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("items", sa.Column("category", sa.String(length=50), nullable=True))
    op.create_index(op.f("ix_items_category"), "items", ["category"])


def downgrade() -> None:
    op.drop_index(op.f("ix_items_category"), table_name="items")
    op.drop_column("items", "category")

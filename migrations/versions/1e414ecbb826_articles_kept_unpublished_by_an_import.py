"""articles kept unpublished by an import

An article with a reason here (a WordPress draft, private or password-protected
post) is kept for moderators and shown to no one else; every existing article
stays public (NULL).

Revision ID: 1e414ecbb826
Revises: 204b3e72b7ac
Create Date: 2026-12-04 14:08:30.653718

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1e414ecbb826'
down_revision = '204b3e72b7ac'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unpublished_reason', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_column('unpublished_reason')

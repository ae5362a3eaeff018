"""Every table, imported in one place so Alembic and the tests see the whole schema.

One line per domain: importing a domain's models module registers its tables.
"""

import api.audit.models
import api.crime.models
import api.estimates.models
import api.fieldwork.models
import api.instruments.models
import api.releases.models
import api.submissions.models
import api.users.models  # noqa: F401

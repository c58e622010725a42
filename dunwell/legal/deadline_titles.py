"""The titles the legal app gives a case's deadlines (and their calendar tasks).

Stored in English with their values filled in and read in each reader's language by
`ladder.models.stepless_title` (this app registers them with `add_stepless_titles` at start-up,
apps.py): the lawyer who scheduled a hearing in Russian and the colleague reading it in
Romanian each see their own words.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

RESPONSE_DUE = gettext_noop("Pretension response due: %(debtor)s")
COURT_HEARING = gettext_noop("Court hearing: %(debtor)s, case %(number)s")
DEADLINE_TITLES = (RESPONSE_DUE, COURT_HEARING)

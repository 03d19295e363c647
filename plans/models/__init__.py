"""The plans app's models: the playbook, action plans and their review, the PDF jobs.

They were created by the diagnostic app and moved here with their tables (db_table keeps
the old names), so no row moved: see migrations/0001_initial.py."""

from .action_plans import (  # noqa: F401
    Action,
    ActionPlan,
    MarketShortlist,
    PlanComment,
    PlanTransition,
    ReminderSent,
)
from .pdf import PdfJob  # noqa: F401
from .playbook import (  # noqa: F401
    ActionTemplate,
    BarrierMeasure,
    FundingOption,
    Instrument,
    Phase,
    PlaybookVersion,
)

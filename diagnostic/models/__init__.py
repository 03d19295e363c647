"""The diagnostic app's models, one module per subject; everything is importable from here
(migrations refer to diagnostic.models.Localized and diagnostic.models._new_token)."""

from .clusters import (  # noqa: F401
    GOVERNANCE_HELP,
    GOVERNANCE_SOURCE,
    Cluster,
    ClusterQuerySet,
    ClusterScopedQuerySet,
    Governance,
    Invitation,
    Localized,
    Membership,
    Sector,
    _new_token,
)
from .facilitation import (  # noqa: F401
    FacilitationOffer,
    FacilitationRequest,
)
from .questionnaire import (  # noqa: F401
    Answer,
    Diagnostic,
    DiagnosticQuerySet,
    Option,
    Question,
    QuestionnaireVersion,
    QuestionnaireVersionQuerySet,
    Section,
)

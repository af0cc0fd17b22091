"""The practitioner register: entries, applications, renewal with CPD, fitness to practise, conditions, annotations.

Nothing here is ever deleted: statuses and end dates record what changed, the status history and the audit
trail record who changed it and why.

Split by subject: ``register`` (numbers, entries, status history, employment), ``applications``, ``renewal`` (with
CPD and direct work), ``fitness`` (cases, orders, conditions, annotations) and ``transfer``.
"""

from ..courses import models as course_models  # noqa: F401  qualifying courses live in their own sub-package
from .applications import Application, ApplicationDocument  # noqa: F401
from .fitness import Annotation, CaseStage, Condition, FitnessToPractiseCase, Order  # noqa: F401
from .register import (  # noqa: F401
    NUMBER_BASE,
    PRACTISING,
    Employment,
    EntryStatus,
    RegisterEntry,
    RegistrationNumber,
    StatusChange,
    normalise_name,
)
from .renewal import CPDRecord, CurrentCPDManager, DirectWorkLog, Renewal, RenewalReminder  # noqa: F401
from .transfer import TransferredId  # noqa: F401

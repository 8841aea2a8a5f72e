"""Moderation, one module per job: the queue, the diff of a pending edit or of a
resubmission, decisions and their history, featuring and archiving, the list of published
and archived examples, reports. Callers use this package's names."""
from kb.services.moderation.bulk import REPORT_ACTIONS, BulkOutcome, decide_many
from kb.services.moderation.decisions import DECISIONS, decide, history, moderator_reaction
from kb.services.moderation.diff import FieldDiff, diff_records, pending_diff
from kb.services.moderation.listing import (
           LIST_STATUSES,
           ListFilters,
           examples_to_manage,
           parse_filters,
)
from kb.services.moderation.queue import QUEUE_LIMIT, PendingEdit, Queue, queue
from kb.services.moderation.reports import (
           dismiss_report,
           open_reports,
           report_example,
           resolve_report,
)
from kb.services.moderation.resubmission import SinceAsked, changes_since_asked
from kb.services.moderation.shared import edit_to_decide
from kb.services.moderation.visibility import archive, feature, restore, set_featured, unfeature

__all__ = ["BulkOutcome", "DECISIONS", "FieldDiff", "LIST_STATUSES", "ListFilters",
           "PendingEdit", "QUEUE_LIMIT", "Queue", "REPORT_ACTIONS", "SinceAsked", "archive",
           "changes_since_asked", "decide", "decide_many", "diff_records", "dismiss_report",
           "edit_to_decide", "examples_to_manage", "feature", "history", "moderator_reaction",
           "open_reports", "parse_filters", "pending_diff", "queue", "report_example",
           "resolve_report", "restore", "set_featured", "unfeature"]

"""Moderation, one module per job: the queue, the diff of a pending edit, decisions and
their history, featuring and archiving, reports. Callers use this package's names."""
from kb.services.moderation.bulk import BulkOutcome, decide_many
from kb.services.moderation.decisions import DECISIONS, decide, history
from kb.services.moderation.diff import FieldDiff, diff_records, pending_diff
from kb.services.moderation.queue import QUEUE_LIMIT, PendingEdit, Queue, queue
from kb.services.moderation.reports import (
           dismiss_report,
           open_reports,
           report_example,
           resolve_report,
)
from kb.services.moderation.shared import edit_to_decide
from kb.services.moderation.visibility import archive, feature, restore, set_featured, unfeature

__all__ = ["BulkOutcome", "DECISIONS", "FieldDiff", "PendingEdit", "QUEUE_LIMIT", "Queue",
           "archive", "decide", "decide_many", "diff_records", "dismiss_report",
           "edit_to_decide", "feature", "history", "open_reports", "pending_diff", "queue",
           "report_example", "resolve_report", "restore", "set_featured", "unfeature"]

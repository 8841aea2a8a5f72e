"""The data model; importing this package registers every table on db.metadata."""
from kb.models.adoption import Adoption
from kb.models.attachment import Attachment
from kb.models.audit import AuditEvent
from kb.models.autosave import Autosave
from kb.models.example import STATUSES, Example, Revision, example_term
from kb.models.following import Bookmark, DigestItem, SavedSearch
from kb.models.importing import ImportRun, StagedExample
from kb.models.leeratelier import LearningQuestion, Leeratelier
from kb.models.moderation import Decision, Report
from kb.models.organisation import OldSlug, Organisation
from kb.models.outbox import IndexEvent
from kb.models.second_factor import RecoveryCode, SecondFactor
from kb.models.session import LoginSession
from kb.models.synonym import SynonymGroup
from kb.models.taxonomy import KINDS, Term
from kb.models.throttle import ThrottleEvent
from kb.models.user import ROLES, User

__all__ = ["Adoption", "Attachment", "AuditEvent", "Autosave", "Bookmark", "Decision", "DigestItem",
           "Example", "ImportRun", "IndexEvent", "KINDS", "LearningQuestion", "Leeratelier",
           "LoginSession", "OldSlug", "Organisation", "ROLES", "RecoveryCode", "Report", "Revision",
           "STATUSES", "SavedSearch", "SecondFactor", "StagedExample", "SynonymGroup", "Term",
           "ThrottleEvent", "User", "example_term"]

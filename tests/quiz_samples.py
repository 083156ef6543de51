"""One question of each type, with text that stresses every export: GIFT's special characters
(~ = # { } :), HTML's (< > & "), a backslash, markdown and a paragraph break."""

from pydantic import TypeAdapter

from quizzes.schema import Question

SRC = ("https://learn.microsoft.com/en-us/entra/id-governance/privileged-identity-management/pim-how-to-activate-role",)
COMMON = {"sources": SRC, "outline": ("SC-500-2026-05:1.1.1", "SC-300:4.4.1"), "difficulty": 2,
          "last_verified": "2026-11-29", "verify": {"document": SRC[0]}, "topic": "samples"}
WRONG = {"explanation": "Not so: see {the} docs.", "misconception": "thinks a = b"}

RAW = [
    {"id": "sample-single", "type": "single",
     "stem": "An **eligible** assignment: what must Alice do first? (Hint: a ~ b = c # {x}: y)",
     "explanation": "Eligible means <activate> & then use.", "key": "a",
     "options": [{"id": "a", "text": "Activate the role", "explanation": "Right: eligible needs activation."},
                 {"id": "b", "text": 'Nothing; "always" active', **WRONG},
                 {"id": "c", "text": "Ask C:\\admin", **WRONG}]},
    {"id": "sample-multiple", "type": "multiple",
     "stem": "Which TWO can a role setting require on activation?\n\nPick two.",
     "explanation": "MFA or an authentication context, and approval.", "key": ["a", "c"],
     "options": [{"id": "a", "text": "Multifactor authentication"},
                 {"id": "b", "text": "A password reset", **WRONG},
                 {"id": "c", "text": "Approval"},
                 {"id": "d", "text": "A 50% discount", **WRONG}]},
    {"id": "sample-yes-no", "type": "yes_no",
     "stem": "For each statement, answer yes or no.",
     "explanation": "Approvers need no role; nobody approves their own request.",
     "statements": [{"id": "s1", "text": "An approver needs an admin role.", "key": False, **WRONG},
                    {"id": "s2", "text": "A requester can't approve their own request.", "key": True, **WRONG},
                    {"id": "s3", "text": "The first decision wins: x = y.", "key": True, **WRONG}]},
    {"id": "sample-ordering", "type": "ordering",
     "stem": "Put the lifecycle in order.", "explanation": "Request, approve, activate, expire.",
     "items": [{"id": "i1", "text": "Approver approves"}, {"id": "i2", "text": "Role expires"},
               {"id": "i3", "text": "Alice requests"}, {"id": "i4", "text": "Role is active"}],
     "key": ["i3", "i1", "i4", "i2"], "misconception": "thinks activation comes before approval"},
    {"id": "sample-dropdown", "type": "dropdown",
     "stem": "Activation lasts up to [[max]] hours; approvers have [[window]] to decide.",
     "explanation": "1 to 24 hours, default 8; the approval window is 24 hours.",
     "blanks": [{"id": "max", "key": "b", "choices": [{"id": "a", "text": "4", **WRONG}, {"id": "b", "text": "24"},
                                                      {"id": "c", "text": "72 / 3 days", **WRONG}]},
                {"id": "window", "key": "a", "choices": [{"id": "a", "text": "24 hours"},
                                                         {"id": "b", "text": "7 days", **WRONG}]}]},
    {"id": "sample-numeric", "type": "numeric",
     "stem": "What is the default maximum activation duration?", "explanation": "8 hours by default.",
     "key": 8, "unit": "hours", "tolerance": 0.5,
     "wrong_values": [{"value": 24, **WRONG}, {"value": 1, **WRONG}]},
]

_ADAPTER = TypeAdapter(Question)


def samples() -> list:
    return [_ADAPTER.validate_python({**COMMON, **raw}) for raw in RAW]

"""Moodle's own documented examples (the GIFT format help, lang/en/help/quiz/formatgift.html, and the qformat_gift
class documentation in moodle/moodle: "Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}", "Grant is
buried in Grant's tomb.{FALSE}", "When was Ulysses S. Grant born?{#1822:5}", the weighted multiple answer
"What two people are entombed in Grant's tomb?{~%-100%No one ~%50%Grant ~%50%Grant's wife ~%-100%Grant's
father}" and the missing-word form "Grant is {~buried =entombed ~living} in Grant's tomb.") as this project's
questions, so the golden GIFT and Moodle XML files are built from them."""

from pydantic import TypeAdapter

from quizzes.schema import Question

SRC = ("https://docs.moodle.org/en/GIFT_format",)
COMMON = {"sources": SRC, "outline": ("SC-300:4.4.1",), "difficulty": 1, "last_verified": "2026-12-07",
          "verify": {"document": SRC[0]}, "topic": "moodle-examples"}
WRONG = {"explanation": "Not in the example.", "misconception": "guesses from the name"}

RAW = [
    {"id": "grants-tomb", "type": "single", "stem": "Who's buried in Grant's tomb?", "explanation": "No one is buried there.",
     "key": "c", "options": [{"id": "a", "text": "Grant", **WRONG}, {"id": "b", "text": "Jefferson", **WRONG},
                             {"id": "c", "text": "no one"}]},
    {"id": "grants-tomb-tf", "type": "yes_no", "stem": "Answer yes or no.", "explanation": "He is entombed, not buried.",
     "statements": [{"id": "s1", "text": "Grant is buried in Grant's tomb.", "key": False, **WRONG},
                    {"id": "s2", "text": "Grant is entombed in Grant's tomb.", "key": True, **WRONG}]},
    {"id": "grant-born", "type": "numeric", "stem": "When was Ulysses S. Grant born?", "explanation": "He was born in 1822.",
     "key": 1822, "unit": "year", "tolerance": 5, "wrong_values": [{"value": 1865, **WRONG}]},
    {"id": "grants-tomb-two", "type": "multiple", "stem": "What two people are entombed in Grant's tomb?",
     "explanation": "Grant and his wife are entombed.", "key": ["b", "c"],
     "options": [{"id": "a", "text": "No one", **WRONG}, {"id": "b", "text": "Grant"},
                 {"id": "c", "text": "Grant's wife"}, {"id": "d", "text": "Grant's father", **WRONG}]},
    {"id": "grant-missing-word", "type": "dropdown", "stem": "Grant is [[w]] in Grant's tomb.",
     "explanation": "Grant is entombed there.", "blanks": [{"id": "w", "key": "b", "choices": [
         {"id": "a", "text": "buried", **WRONG}, {"id": "b", "text": "entombed"}, {"id": "c", "text": "living", **WRONG}]}]},
]


def moodle_examples() -> list:
    adapter = TypeAdapter(Question)
    return [adapter.validate_python({**COMMON, **raw}) for raw in RAW]

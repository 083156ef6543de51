"""The quiz bank: questions as data, checked against the simulation.

``quizzes.schema`` defines a question, ``quizzes.bank.load_bank`` loads and validates the bank,
``quizzes.probes`` runs small scenarios whose records decide the keys and ``quizzes.verify``
compares the two. This package depends on :mod:`pim_sim`; ``pim_sim`` never imports it.
"""

from .bank import Bank, BankError, load_bank
from .schema import (
    DocumentCheck,
    DropdownQuestion,
    MultipleQuestion,
    NumericQuestion,
    OrderingQuestion,
    Outline,
    ProbeCheck,
    Question,
    SingleQuestion,
    YesNoQuestion,
)

__all__ = [
    "Bank",
    "BankError",
    "DocumentCheck",
    "DropdownQuestion",
    "MultipleQuestion",
    "NumericQuestion",
    "OrderingQuestion",
    "Outline",
    "ProbeCheck",
    "Question",
    "SingleQuestion",
    "YesNoQuestion",
    "load_bank",
]

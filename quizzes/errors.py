"""The quiz package's errors, in one hierarchy: every problem a quiz input, file or store can have
is a :class:`QuizError` (a ``ValueError``), so a caller that shows quiz problems catches one class.

- ``BankError``: a question bank, outline or case file that can't be used (quizzes.bank)
- ``ResponseError``: an answer in the wrong shape for its question (quizzes.grading)
- ``ExportError``: a question a format can't hold (quizzes.export)
- ``SessionError``: a quiz session asked something impossible (quizzes.session)
- ``ProgressError``: bad input to the progress store, or a store that can't be used (quizzes.progress)
- ``AccessDenied``: a learner asking the progress store for another learner's data or the class's list
  (quizzes.progress.actor)
- ``ClassroomError``: a class answer sheet or quiz-set file that can't be used (quizzes.classroom)
- ``Disagreement``: a probe's records don't support the bank's key (quizzes.verify)
- ``RosterError``: a class roster or sign-in code that can't be used (quizzes.roster)
- ``GradingError``: a kept grading that can't be read or written (quizzes.gradings)
"""

from __future__ import annotations


class QuizError(ValueError):
    """A quiz input, file or store that can't be used; the message says what and where."""

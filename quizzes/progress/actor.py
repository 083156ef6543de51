"""Who is asking the progress store, and what they may read and write.

Every store call that reads or writes a learner's data takes an :class:`Actor`, and the store
itself refuses what the actor may not do, so no page, command or future caller can forget the
check:

- ``personal``: one person on their own machine (the dashboard's Personal mode); every profile
  is theirs, so nothing is refused.
- ``instructor``: the class's instructor (the teacher view, ``pim-sim quiz`` and ``pim-sim kit``
  run by whoever owns the store); nothing is refused.
- ``learner``: a signed-in learner in Classroom mode; only their own progress, and no list of
  the class's learners.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizzes.errors import QuizError

ROLES = ("personal", "instructor", "learner")


class AccessDenied(QuizError):
    """The actor may not read or write what was asked (another learner's progress, the class's list)."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking: a role and, for a learner or an instructor, the signed-in name."""

    role: str
    name: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise AccessDenied(f"actor: the role is one of {', '.join(ROLES)}, got {self.role!r:.40}")
        if self.role == "learner" and (not isinstance(self.name, str) or not self.name.strip()):
            raise AccessDenied("actor: a learner is known by a name; nobody is signed in")

    @classmethod
    def personal(cls) -> Actor:
        return cls("personal")

    @classmethod
    def instructor(cls, name: str = "") -> Actor:
        return cls("instructor", name)

    @classmethod
    def learner(cls, name: str) -> Actor:
        return cls("learner", name)

    @property
    def sees_everyone(self) -> bool:
        return self.role in ("personal", "instructor")

    def may_touch(self, learner: str) -> bool:
        return self.sees_everyone or learner == self.name

    def check_learner(self, learner: str, doing: str) -> None:
        """Refuse (:class:`AccessDenied`) a learner ``doing`` something to another learner's progress."""
        if not self.may_touch(learner):
            raise AccessDenied(f"{doing}: a learner may read and write only their own progress "
                               f"({self.name!r:.70} asked for {learner!r:.70})")

    def check_list(self, doing: str) -> None:
        """Refuse a learner listing the class (names of other learners are never shown to a learner)."""
        if not self.sees_everyone:
            raise AccessDenied(f"{doing}: only an instructor may list the class's learners")


def check_actor(actor: object, doing: str) -> Actor:
    """``actor`` if it is an :class:`Actor`; a call without one is refused, never taken as anyone's."""
    if not isinstance(actor, Actor):
        raise AccessDenied(f"{doing}: who is asking must be an Actor (personal, instructor or learner), "
                           f"got {type(actor).__name__}")
    return actor

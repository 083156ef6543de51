"""Record streams kept as append-only rows of plain values (record objects are made when read), and timers.

A run of a large tenant writes hundreds of thousands of audit records. The audit log keeps their
values in columns, without the two fields that follow from the others: the sequence number (its
position) and the UTC time (the clock's reading of its minute, worked out when read). Reading
the log (indexing, slicing, iterating) gives ordinary :class:`~pim_sim.core.audit.AuditRecord`
objects, equal to the ones a list of records would hold.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterator, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from pim_sim.core.audit import AuditRecord
from pim_sim.core.records import maker

if TYPE_CHECKING:
    import pandas as pd
    import simpy

    from pim_sim.core.clock import Clock

R = TypeVar("R")
T = TypeVar("T")
_MAKE_AUDIT = maker(AuditRecord)


class _Flat(Sequence[T]):
    """What every stream keeps: its values in one flat list, ``_width`` values a record, and one copy of each
    shared head; a record is built when read (``_at``)."""

    __slots__ = ()
    _flat: list
    _known: dict[tuple, tuple]
    _width: int

    def _at(self, k: int) -> T:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self._flat) // self._width

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self._at(k) for k in range(*i.indices(len(self)))]
        n = len(self)
        k = i + n if i < 0 else i
        if not 0 <= k < n:
            raise IndexError(f"{type(self).__name__} index out of range")
        return self._at(k)

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of the same records (a list of them, say)."""
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return repr(list(self))

    @property
    def flat(self) -> list:
        """The stored values, record after record: read them only (the kernel's fast paths append to it)."""
        return self._flat

    @property
    def heads(self) -> dict[tuple, tuple]:
        """The shared heads (a writer of ``flat`` stores the one it finds here: ``heads.setdefault(head, head)``)."""
        return self._known


class AuditLog(_Flat[AuditRecord]):
    """The audit records of a run, oldest first: a read-only sequence of :class:`AuditRecord`.

    Stored flat, four values a record: the minute, the record's *head* (every other field but the ticket and
    the request id, one shared tuple per distinct head: they repeat per principal, role and activity), the
    ticket and the request id. About 32 bytes a record besides the shared values (170 for a tuple of them all).
    """

    __slots__ = ("_clock", "_flat", "_known")
    _width = 4  # minute, head, ticket, request id

    def __init__(self, clock: Clock):
        self._clock = clock
        self._flat: list = []  # minute, head, ticket, request id; minute, head, ...
        self._known: dict[tuple, tuple] = {}  # one copy of each head

    def add(self, *row: Any) -> None:
        """Append a record from its values in field order, without ``seq`` and ``time``."""
        (minute, activity, service, category, surface, initiator, target, role, scope, result, justification, ticket,
         request_id, reason) = row
        head = (activity, service, category, surface, initiator, target, role, scope, result, justification, reason)
        self._flat += (minute, self._known.setdefault(head, head), ticket, request_id)

    @property
    def rows(self) -> list[tuple]:
        """The records' values in field order without ``seq`` and ``time`` (a new list; for readers of values)."""
        values = iter(self._flat)
        return [(minute, *head[:10], ticket, request, head[10])
                for minute, head, ticket, request in zip(*[values] * 4, strict=True)]

    def _at(self, seq: int) -> AuditRecord:
        minute, head, ticket, request = self._flat[seq * 4:seq * 4 + 4]
        return _MAKE_AUDIT(seq, minute, self._clock.at(minute), *head[:10], ticket, request, head[10])

    def __iter__(self) -> Iterator[AuditRecord]:
        make, at = _MAKE_AUDIT, self._clock.at
        values = iter(self._flat)
        for k, (minute, head, ticket, request) in enumerate(zip(*[values] * 4, strict=True)):
            yield make(k, minute, at(minute), *head[:10], ticket, request, head[10])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AuditLog):
            return self.rows == other.rows and self._clock == other._clock
        return super().__eq__(other)

    def frame(self) -> pd.DataFrame:
        """The records as a DataFrame, one column per field (built from the stored values, not from objects)."""
        import pandas as pd

        from pim_sim.core.records import field_names

        at = self._clock.at
        stamps: dict[float, object] = {}
        values = iter(self._flat)
        data = [(k, minute, stamps[minute] if minute in stamps else stamps.setdefault(minute, at(minute)), *head[:10],
                 ticket, request, head[10])
                for k, (minute, head, ticket, request) in enumerate(zip(*[values] * 4, strict=True))]
        return pd.DataFrame(data, columns=list(field_names(AuditRecord)))


class Rows(_Flat[R]):
    """A record stream kept as the field values of its records, one record after the other in one flat list
    (8 bytes a value, no tuple per record); reading it (indexing, slicing, iterating) gives records of ``cls``,
    equal to the ones a list of records would hold. ``add`` takes the values, ``append`` a record (for writers
    that have one). The fields at the positions ``shared`` (values that repeat together) are stored as one
    tuple, the *head*, one copy of each distinct head, after the record's other values."""

    __slots__ = ("_cls", "_flat", "_head", "_known", "_make", "_order", "_own", "_values", "_width")

    def __init__(self, cls: type[R], shared: tuple[int, ...] = ()):
        from pim_sim.core.records import field_names

        names = field_names(cast(Hashable, cls))
        own = tuple(i for i in range(len(names)) if i not in shared)
        self._cls = cls
        self._flat: list = []
        self._width = len(own) + bool(shared)
        self._values = attrgetter(*names)
        self._make = maker(cast(Hashable, cls))
        self._own, self._head = own, shared
        stored = [*own, *shared]  # field positions in the order a record's values are stored, the head's unpacked
        self._order = tuple(stored.index(i) for i in range(len(names)))
        self._known: dict[tuple, tuple] = {}

    def add(self, *row: Any) -> None:
        """Append a record from all its values, in field order."""
        if len(row) != len(self._order):
            raise TypeError(f"{self._cls.__name__} takes {len(self._order)} values, {len(row)} given")
        if not self._head:
            self._flat += row
            return
        head = tuple(row[i] for i in self._head)
        self._flat += (*(row[i] for i in self._own), self._known.setdefault(head, head))

    def append(self, record: R) -> None:
        if type(record) is not self._cls:
            raise TypeError(f"a {self._cls.__name__} stream holds {self._cls.__name__} records, not {record!r}")
        self.add(*self._values(record))

    @property
    def rows(self) -> list[tuple]:
        """The records' values as tuples in field order (a new list): for readers that need values, not objects."""
        return self.rows_from(0)

    def rows_from(self, start: int) -> list[tuple]:
        """The values of the records from position ``start`` on, as tuples in field order."""
        w = self._width
        values = iter(self._flat[start * w:])
        stored = zip(*[values] * w, strict=True)
        if not self._head:
            return list(stored)
        order = self._order
        return [tuple(v[i] for i in order) for v in (row[:-1] + row[-1] for row in stored)]

    def _at(self, k: int) -> R:
        w = self._width
        values = self._flat[k * w:k * w + w]
        if self._head:
            values = values[:-1] + list(values[-1])
            values = [values[i] for i in self._order]
        return self._make(*values)

    def __iter__(self) -> Iterator[R]:
        make = self._make
        for row in self.rows:
            yield make(*row)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return self._cls is other._cls and self._flat == other._flat
        return super().__eq__(other)


class Call:
    """A timer in SimPy's queue that calls ``fn(*args)`` when it fires: what SimPy's ``step`` needs of an
    event (its callbacks and ``_ok``), without an Event, a Timeout and a closure per timer."""

    __slots__ = ("args", "callbacks", "fn")
    _ok = True

    def __init__(self, fn: Callable, args: tuple):
        self.callbacks = _FIRE
        self.fn = fn
        self.args = args


def _fire(call: Call) -> None:
    call.fn(*call.args)


_FIRE = (_fire,)


def run_until(env: simpy.Environment, target: float) -> None:
    """What ``env.run(until=target)`` and then ``env.step()`` while the next event is due by ``target`` do, in the
    same order and leaving the clock at the same minute, with timers (:class:`Call`) fired directly (no ``step``
    and no callback frame for them); other events go through SimPy's ``step``."""
    queue: list = env._queue
    # The minute SimPy's own "until" event fires at (scheduled from now, before the events due then).
    limit = env._now + (target - env._now) if target > env._now else target
    while queue and (queue[0][0] <= target or queue[0][0] < limit):
        event = queue[0][3]
        if type(event) is Call:
            env._now = heapq.heappop(queue)[0]
            event.fn(*event.args)
        else:
            env.step()
    if env._now < limit:
        env._now = limit

"""Record streams kept as append-only rows of plain values (record objects are made when read), and timers.

A run of a large tenant writes hundreds of thousands of audit records. The audit log keeps each one
as a tuple of its values without the two fields that follow from the others: the sequence number
(its position) and the UTC time (the clock's reading of its minute, worked out when read). Reading
the log (indexing, slicing, iterating) gives ordinary :class:`~pim_sim.core.audit.AuditRecord`
objects, equal to the ones a list of records would hold.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from pim_sim.core.audit import AuditRecord

if TYPE_CHECKING:
    import pandas as pd

    from pim_sim.core.clock import Clock

R = TypeVar("R")


class AuditLog(Sequence[AuditRecord]):
    """The audit records of a run, oldest first: a read-only sequence of :class:`AuditRecord`."""

    __slots__ = ("_clock", "_rows")

    def __init__(self, clock: Clock):
        self._clock = clock
        self._rows: list[tuple] = []

    def add(self, *row: Any) -> None:
        """Append a record from its values in field order, without ``seq`` and ``time``."""
        self._rows.append(row)

    @property
    def rows(self) -> list[tuple]:
        """The stored rows (the kernel appends to them; readers don't change them)."""
        return self._rows

    def _make(self, seq: int, row: tuple) -> AuditRecord:
        minute = row[0]
        return AuditRecord(seq, minute, self._clock.at(minute), *row[1:])

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, i: int) -> AuditRecord: ...
    @overload
    def __getitem__(self, i: slice) -> list[AuditRecord]: ...
    def __getitem__(self, i: int | slice) -> AuditRecord | list[AuditRecord]:
        if isinstance(i, slice):
            return [self._make(k, self._rows[k]) for k in range(*i.indices(len(self._rows)))]
        n = len(self._rows)
        k = i + n if i < 0 else i
        if not 0 <= k < n:
            raise IndexError("audit record index out of range")
        return self._make(k, self._rows[k])

    def __iter__(self) -> Iterator[AuditRecord]:
        make = self._make
        for k, row in enumerate(self._rows):
            yield make(k, row)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AuditLog):
            return self._rows == other._rows and self._clock == other._clock
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return repr(list(self))

    def frame(self) -> pd.DataFrame:
        """The records as a DataFrame, one column per field (built from the rows, not from objects)."""
        import pandas as pd

        from pim_sim.core.records import field_names

        at = self._clock.at
        stamps: dict[float, object] = {}
        data = [(k, row[0], stamps[row[0]] if row[0] in stamps else stamps.setdefault(row[0], at(row[0])), *row[1:])
                for k, row in enumerate(self._rows)]
        return pd.DataFrame(data, columns=list(field_names(AuditRecord)))


class Rows(Sequence[R]):
    """A record stream kept as tuples of field values in declaration order; reading it (indexing, slicing,
    iterating) gives records of ``cls``, equal to the ones a list of records would hold. ``add`` takes the
    values, ``append`` a record (for writers that have one)."""

    __slots__ = ("_cls", "_rows", "_values")

    def __init__(self, cls: type[R]):
        from pim_sim.core.records import field_names

        self._cls = cls
        self._rows: list[tuple] = []
        self._values = attrgetter(*field_names(cast(Hashable, cls)))

    def add(self, *row: Any) -> None:
        """Append a record from all its values, in field order."""
        self._rows.append(row)

    def append(self, record: R) -> None:
        if type(record) is not self._cls:
            raise TypeError(f"a {self._cls.__name__} stream holds {self._cls.__name__} records, not {record!r}")
        self._rows.append(self._values(record))

    @property
    def rows(self) -> list[tuple]:
        """The stored rows (read them, don't change them): for readers that need values, not objects."""
        return self._rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, i: int) -> R: ...
    @overload
    def __getitem__(self, i: slice) -> list[R]: ...
    def __getitem__(self, i: int | slice) -> R | list[R]:
        cls = self._cls
        if isinstance(i, slice):
            return [cls(*row) for row in self._rows[i]]
        return cls(*self._rows[i])

    def __iter__(self) -> Iterator[R]:
        cls = self._cls
        for row in self._rows:
            yield cls(*row)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return self._cls is other._cls and self._rows == other._rows
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return repr(list(self))


class Call:
    """A timer in SimPy's queue that calls ``fn(*args)`` when it fires: what SimPy's ``step`` needs of an
    event (its callbacks and ``_ok``), without an Event, a Timeout and a closure per timer."""

    __slots__ = ("callbacks", "fn", "args")
    _ok = True

    def __init__(self, fn: Callable, args: tuple):
        self.callbacks = _FIRE
        self.fn = fn
        self.args = args


def _fire(call: Call) -> None:
    call.fn(*call.args)


_FIRE = (_fire,)

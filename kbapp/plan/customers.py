"""The customers (客户单位) a team serves, their business systems (业务系统) and warranties.

The list is what dialogs and the command line offer; naming a new customer or system
on an incident adds it (``ensure``), in the incident's own transaction. The warranty
(质保期, plan ch. 3.3 and 5) runs ``warranty_years`` (three unless agreed otherwise)
from the day of acceptance (验收): an incident on the day of acceptance is inside, one
on the day the last year ends is not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kbapp.incidents.base import LoggedService
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.validate import check_line
from kbapp.store.customer_models import CustomerRow, CustomerSystemRow

DEFAULT_WARRANTY_YEARS = 3
MAX_WARRANTY_YEARS = 30


class CustomerError(IncidentError):
    """Bad input for a customer or one of its systems; names the field."""


@dataclass(frozen=True)
class Customer:
    id: int
    name: str
    accepted_on: dt.date | None
    warranty_years: int
    systems: tuple[str, ...]

    @property
    def warranty_ends(self) -> dt.date | None:
        """The first day outside the warranty; None while acceptance is not recorded."""
        if self.accepted_on is None:
            return None
        from dateutil.relativedelta import relativedelta  # 29 February + 3 years is 28 February

        return self.accepted_on + relativedelta(years=self.warranty_years)

    def in_warranty(self, day: dt.date) -> bool | None:
        """True inside the warranty on ``day``, False outside, None when unknown."""
        ends = self.warranty_ends
        if ends is None or self.accepted_on is None:
            return None
        return self.accepted_on <= day < ends

    def to_json(self) -> dict[str, Any]:
        ends = self.warranty_ends
        return {"id": self.id, "name": self.name, "systems": list(self.systems),
                "accepted_on": self.accepted_on.isoformat() if self.accepted_on else None,
                "warranty_years": self.warranty_years, "warranty_ends": ends.isoformat() if ends else None}


def _customer(row: CustomerRow) -> Customer:
    return Customer(row.id, row.name, row.accepted_on, row.warranty_years, tuple(sorted(s.name for s in row.systems)))


def check_name(value: Any, name: str, *, required: bool = False) -> str:
    try:
        return check_line(value, name, required=required, max_chars=200)
    except CustomerError:
        raise
    except IncidentError as exc:
        raise CustomerError(str(exc), field=exc.field) from None


def check_years(value: Any) -> int:
    try:
        years = int(value)
    except (TypeError, ValueError):
        raise CustomerError(f"warranty_years: {value!r} is not a whole number of years",
                            field="warranty_years") from None
    if not 0 <= years <= MAX_WARRANTY_YEARS:
        raise CustomerError(f"warranty_years: {years} is not between 0 and {MAX_WARRANTY_YEARS}",
                            field="warranty_years")
    return years


def ensure(s: Session, customer: str, system: str = "", *, actor: str, now: dt.datetime) -> CustomerRow | None:
    """The customer's row, added (with ``system``) when it is new; inside the caller's transaction."""
    if not customer:
        return None
    row = s.scalars(select(CustomerRow).where(CustomerRow.name == customer)).one_or_none()
    if row is None:
        row = CustomerRow(name=customer, warranty_years=DEFAULT_WARRANTY_YEARS, created_by=actor, created_at=now)
        s.add(row)
        s.flush()
    if system and system not in {x.name for x in row.systems}:
        row.systems.append(CustomerSystemRow(name=system))
        s.flush()
    return row


class CustomerService(LoggedService):
    def list(self) -> list[Customer]:
        def read(s: Session) -> list[Customer]:
            return [_customer(r) for r in s.scalars(select(CustomerRow).order_by(CustomerRow.name))]

        return self.store.read(read)

    def get(self, name: str) -> Customer | None:
        name = check_name(name, "customer", required=True)

        def read(s: Session) -> Customer | None:
            row = s.scalars(select(CustomerRow).where(CustomerRow.name == name)).one_or_none()
            return None if row is None else _customer(row)

        return self.store.read(read)

    def save(self, name: str, *, systems: Iterable[str] = (), accepted_on: dt.date | None = None,
             warranty_years: int | None = None, actor: str | None = None) -> Customer:
        """Add the customer, or update it: systems are added, acceptance and warranty set when given."""
        name = check_name(name, "customer", required=True)
        names = tuple(dict.fromkeys(check_name(x, "system", required=True) for x in systems))
        if accepted_on is not None and not isinstance(accepted_on, dt.date):
            raise CustomerError(f"accepted_on: {accepted_on!r} is not a date", field="accepted_on")
        years = None if warranty_years is None else check_years(warranty_years)
        actor, now = self._actor(actor), self.now()

        def work(s: Session) -> Customer:
            row = ensure(s, name, actor=actor, now=now)
            assert row is not None  # a name is required above
            for system in names:
                ensure(s, name, system, actor=actor, now=now)
            if accepted_on is not None:
                row.accepted_on = accepted_on
            if years is not None:
                row.warranty_years = years
            return _customer(row)

        return self.store.write(work)

    def remove_system(self, name: str, system: str) -> Customer:
        name, system = check_name(name, "customer", required=True), check_name(system, "system", required=True)

        def work(s: Session) -> Customer:
            row = s.scalars(select(CustomerRow).where(CustomerRow.name == name)).one_or_none()
            if row is None:
                raise CustomerError(f"customer: no customer named {name!r}", field="customer")
            row.systems = [x for x in row.systems if x.name != system]
            s.flush()
            return _customer(row)

        return self.store.write(work)

    def warranty_on(self, name: str, at: dt.datetime, tz: dt.tzinfo | None = None) -> bool | None:
        """Whether ``at`` (a moment, seen in the team's zone) falls inside the customer's warranty."""
        if not name:
            return None
        found = self.get(name)
        return None if found is None else found.in_warranty(at.astimezone(tz).date())

"""The team's escalation chain: who answers to whom, with phone numbers.

It is the team's own data, kept as ``escalation.json`` in the data home and
written atomically, so a crash while saving leaves the previous version intact::

    {"version": 1,
     "people": [
       {"name": "王工", "role": "值班工程师 on-duty engineer", "phone": "138 0000 0001", "reports_to": "李经理",
        "email": "wang@example.com"},
       {"name": "李经理", "role": "技术主管 support lead", "phone": "138 0000 0002", "reports_to": null}
     ]}

Escalation goes from the responsible person to their superior, then that person's
superior, and so on to the top (DOMAIN.md ch. 5.1.5 / 6.4). ``email`` is optional:
escalation e-mails go there (see kbapp.notify). The first person listed is the one on
duty: an incident nobody is responsible for yet escalates from them.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from kbapp.fsutil import atomic_write_text
from kbapp.incidents.errors import IncidentError

FILE_NAME = "escalation.json"
FORMAT_VERSION = 1
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{1,30}(?:\s*(?:ext\.?|x|转|分机)\s*[0-9]{1,6})?$", re.IGNORECASE)
_MAX_TEXT = 200
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


class EscalationError(IncidentError):
    """The chain file or an edit to it is invalid; the message names the entry and field."""


@dataclass(frozen=True)
class Person:
    name: str
    role: str = ""
    phone: str = ""
    reports_to: str | None = None  # the superior's name; None at the top
    email: str = ""


@dataclass(frozen=True)
class EscalationChain:
    people: tuple[Person, ...] = ()

    def __post_init__(self) -> None:
        validate_people(self.people)

    def get(self, name: str) -> Person | None:
        for person in self.people:
            if person.name == name:
                return person
        return None

    def superior(self, name: str) -> Person | None:
        person = self.get(name)
        if person is None or person.reports_to is None:
            return None
        return self.get(person.reports_to)

    def path_up(self, name: str) -> list[Person]:
        """``name`` first, then each superior up to the top; empty if not in the chain."""
        path: list[Person] = []
        person = self.get(name)
        while person is not None:
            path.append(person)
            person = self.get(person.reports_to) if person.reports_to else None
        return path

    def escalation_target(self, responsible: str, steps: int) -> Person | None:
        """Who should have been told after ``steps`` levels of escalation from ``responsible``.

        None when ``steps`` is 0, or ``responsible`` is not in the chain; the top of
        the chain when ``steps`` reaches past it.
        """
        path = self.path_up(responsible)
        if steps <= 0 or len(path) < 2:
            return None
        return path[min(steps, len(path) - 1)]

    def to_json(self) -> dict:
        people = [{k: v for k, v in asdict(p).items() if k != "email" or v} for p in self.people]
        return {"version": FORMAT_VERSION, "people": people}

    @property
    def on_duty(self) -> Person | None:
        return self.people[0] if self.people else None

    def escalation_path(self, responsible: str) -> tuple[list[Person], str]:
        """Who is told at each step (``[0]`` the responsible person, ``[1]`` their
        superior, …) and a warning saying what to fix when the chain cannot answer well."""
        if not self.people:
            return [], EMPTY_CHAIN_WARNING
        path = self.path_up(responsible) if responsible else []
        if path:
            if len(path) == 1:
                return path, (f"{responsible} has no superior in the escalation chain: set "
                              f"'reports_to' for {responsible} in {FILE_NAME} (Incident ▸ Escalation Chain…)")
            return path, ""
        duty = self.on_duty
        assert duty is not None  # a chain with people has someone on duty (checked above)
        path = self.path_up(duty.name)
        if responsible:
            return path, (f"{responsible} is not in the escalation chain, so escalation starts from "
                          f"{duty.name} (the first person, on duty): add {responsible} with 'reports_to' "
                          f"in {FILE_NAME} (Incident ▸ Escalation Chain…)")
        return path, (f"nobody is responsible for this incident, so escalation starts from {duty.name} "
                      f"(the first person of the chain, on duty): set one with 'kbapp incident responsible'")


EMPTY_CHAIN_WARNING = (
    f"the escalation chain is empty, so nobody can be told: add the team (name, phone, e-mail, who each "
    f"reports to) in Incident ▸ Escalation Chain…, or write {FILE_NAME} in the data home (see the README)")


def validate_people(people: tuple[Person, ...] | list[Person]) -> None:
    seen: set[str] = set()
    for index, person in enumerate(people):
        where = f"people[{index}]"
        if not isinstance(person.name, str) or not person.name.strip():
            raise EscalationError(f"{where}.name: a name is required", field="name")
        if person.name != person.name.strip():
            raise EscalationError(f"{where}.name: {person.name!r} has spaces at the ends", field="name")
        for field in ("name", "role", "phone", "email"):
            value = getattr(person, field)
            if not isinstance(value, str):
                raise EscalationError(f"{where}.{field}: must be text", field=field)
            if len(value) > _MAX_TEXT:
                raise EscalationError(f"{where}.{field}: longer than {_MAX_TEXT} characters", field=field)
        if person.name in seen:
            raise EscalationError(f"{where}.name: {person.name!r} appears twice", field="name")
        seen.add(person.name)
        if person.phone and not _PHONE.match(person.phone.strip()):
            raise EscalationError(
                f"{where}.phone: {person.phone!r} is not a phone number (digits, spaces, +, -, brackets)",
                field="phone",
            )
        if person.email and not _EMAIL.match(person.email.strip()):
            raise EscalationError(f"{where}.email: {person.email!r} is not an e-mail address (name@example.com)",
                                  field="email")
    by_name = {p.name: p for p in people}
    for index, person in enumerate(people):
        if person.reports_to is None:
            continue
        if person.reports_to not in by_name:
            raise EscalationError(
                f"people[{index}].reports_to: {person.reports_to!r} is not in the chain", field="reports_to"
            )
        # Walk up from each person; meeting them again means a loop with no top.
        seen_up = {person.name}
        boss = by_name.get(person.reports_to)
        while boss is not None:
            if boss.name in seen_up:
                raise EscalationError(
                    f"people[{index}].reports_to: {person.name!r} ends up reporting to themself "
                    f"(a loop through {boss.name!r})",
                    field="reports_to",
                )
            seen_up.add(boss.name)
            boss = by_name.get(boss.reports_to) if boss.reports_to else None


def chain_from_json(data: object, source: str = FILE_NAME) -> EscalationChain:
    if not isinstance(data, dict):
        raise EscalationError(f"{source}: expected an object with a 'people' list")
    version = data.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise EscalationError(f"{source}: version {version!r} is not supported (expected {FORMAT_VERSION})")
    raw_people = data.get("people", [])
    if not isinstance(raw_people, list):
        raise EscalationError(f"{source}: 'people' must be a list")
    people = []
    for index, raw in enumerate(raw_people):
        if not isinstance(raw, dict):
            raise EscalationError(f"{source}: people[{index}] must be an object")
        unknown = set(raw) - {"name", "role", "phone", "reports_to", "email"}
        if unknown:
            raise EscalationError(f"{source}: people[{index}]: unknown field(s) {', '.join(sorted(unknown))}")
        reports_to = raw.get("reports_to") or None
        people.append(Person(
            name=raw.get("name", ""), role=raw.get("role", "") or "", phone=raw.get("phone", "") or "",
            reports_to=reports_to, email=raw.get("email", "") or "",
        ))
    try:
        return EscalationChain(tuple(people))
    except EscalationError as exc:
        raise EscalationError(f"{source}: {exc}", field=exc.field) from None


def chain_path(home_root: Path) -> Path:
    return Path(home_root) / FILE_NAME


def load_chain(path: Path) -> EscalationChain:
    """The chain in ``path``; an empty chain if the file does not exist yet."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return EscalationChain()
    except (OSError, UnicodeDecodeError) as exc:
        raise EscalationError(f"{path}: cannot read the escalation chain: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EscalationError(f"{path} line {exc.lineno}: not valid JSON: {exc.msg}") from None
    return chain_from_json(data, source=str(path))


def save_chain(path: Path, chain: EscalationChain) -> None:
    validate_people(chain.people)
    text = json.dumps(chain.to_json(), ensure_ascii=False, indent=2) + "\n"
    atomic_write_text(Path(path), text)

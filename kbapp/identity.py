"""Who is acting: the engineer at this desk, kept in the data home (``engineer.json``).

Every action kbapp logs names who did it (DOMAIN: every task has a record). The name is
the engineer's, asked for on the window's first start and kept per data home, so each
home (a desk, a training room, a customer site) records its own people and the command
line records the same name as the window. Which name an action gets, first match wins:

1. the name the caller gives (a drill's trainee, a report's reporter ...);
2. ``--actor NAME`` on the command line, else ``$KBAPP_ACTOR`` (command line only);
3. the data home's engineer;
4. the login name (what kbapp did before anyone was asked).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kbapp.fsutil import atomic_write_text

ENV_ACTOR = "KBAPP_ACTOR"
ENGINEER_FILE = "engineer.json"
MAX_NAME = 100

# Offered in the window; any other role may be typed.
ROLE_SUGGESTIONS = (
    "技术支持工程师 Support engineer",
    "值班工程师 On-duty engineer",
    "现场工程师 On-site engineer",
    "巡检员 Inspector",
    "培训师 Trainer",
    "主管 Supervisor",
)


@dataclass(frozen=True)
class Engineer:
    name: str
    role: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "role": self.role}


def engineer_path(root: Path) -> Path:
    return Path(root) / ENGINEER_FILE


def check_engineer(name: str, role: str = "") -> Engineer:
    """The cleaned name and role; IncidentError (field "name" or "role") when unusable."""
    from kbapp.incidents.validate import check_line  # not at import: the command line reads ENV_ACTOR

    return Engineer(check_line(name, "name", required=True, max_chars=MAX_NAME),
                    check_line(role, "role", max_chars=MAX_NAME))


def load_engineer(root: Path) -> Engineer | None:
    """The data home's engineer, or None when nobody was named yet (or the file is unusable)."""
    path = engineer_path(root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return check_engineer(str(data.get("name") or ""), str(data.get("role") or ""))
    except (OSError, ValueError, AttributeError):  # missing, not JSON, not an object, empty name
        return None


def save_engineer(root: Path, name: str, role: str = "") -> Engineer:
    engineer = check_engineer(name, role)
    text = json.dumps(engineer.to_json(), ensure_ascii=False, indent=2) + "\n"
    atomic_write_text(engineer_path(root), text)
    return engineer

"""Incidents: fault levels, deadlines, the step runner and the append-only action log.

Qt-free; the GUI and the CLI both go through ``IncidentService`` (``kb.incidents``).
"""

from kbapp.incidents.errors import IncidentError

__all__ = ["IncidentError"]

"""Post-incident write-ups: fault handling reports, lessons and reviewed playbook changes."""

from kbapp.reports.errors import FieldProblem, ReportError

__all__ = ["FieldProblem", "ReportError"]

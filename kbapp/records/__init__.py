"""Problem records (问题记录, plan ch. 4.4): consultations and defects, each move logged.

Qt-free; the GUI and the CLI both go through ``RecordService`` (``kb.records``). The
rules (states, allowed moves, the fields each move needs) are in ``workflow``.
"""

from kbapp.records.workflow import RecordError

__all__ = ["RecordError"]

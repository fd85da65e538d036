"""The service plan's remaining workflows, Qt-free: change requests during trial operation
(ch. 3.2.1), follow-up visits (定期回访, ch. 1.3) and scheduled inspections (ch. 3.2.2, 8).

Each service is reached through the knowledge base (``kb.change_requests``,
``kb.visits``, ``kb.inspection_plans``) and raises IncidentError subclasses naming the
field, before anything is written.
"""

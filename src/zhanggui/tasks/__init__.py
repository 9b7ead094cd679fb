"""Tasks: the shared work queue (abnormal orders, service tickets, supplier follow-ups).

Other apps register task kinds (``registry.register_kind``) and open or close tasks
(``actions.open_task`` / ``actions.close_tasks_for``); see docs/tasks.md.
"""

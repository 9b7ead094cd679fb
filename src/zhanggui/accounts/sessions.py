"""Database sessions that remember their staff member (``SESSION_ENGINE``).

Storing the staff id beside the session lets ``deactivate_staff`` delete every session
of a leaver in one query.
"""

from django.contrib.sessions.backends.db import SessionStore as DbSessionStore


class SessionStore(DbSessionStore):
    @classmethod
    def get_model_class(cls):
        from zhanggui.accounts.models import StaffSession

        return StaffSession

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        user_id = data.get("_auth_user_id")
        instance.staff_id = int(user_id) if user_id is not None else None
        return instance

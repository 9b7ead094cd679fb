"""The base of every event's ``data`` schema: unknown fields are refused."""

from pydantic import BaseModel, ConfigDict


class EventData(BaseModel):
    model_config = ConfigDict(extra="forbid")

"""Writes of the regions app that carry rules (SPEC §7): the coordinator's records and the monitoring values."""

from .errors import RecordError
from .monitoring import monitoring_value_check, monitoring_value_set, monitoring_values_set
from .records import (
    promotion_measure_create,
    promotion_measure_delete,
    promotion_measure_update,
    team_training_create,
    team_training_delete,
    team_training_update,
    training_need_create,
    training_need_delete,
    training_need_update,
)

__all__ = [
    "RecordError",
    "monitoring_value_check",
    "monitoring_value_set",
    "monitoring_values_set",
    "promotion_measure_create",
    "promotion_measure_delete",
    "promotion_measure_update",
    "team_training_create",
    "team_training_delete",
    "team_training_update",
    "training_need_create",
    "training_need_delete",
    "training_need_update",
]

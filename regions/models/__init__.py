"""The regions app's models, a module per subject; `from regions.models import X` reaches every one of them."""

from .appeals import Appeal
from .campaigns import GRADE_MAX, GRADE_MIN, Campaign, CampaignStage, RegionTarget
from .monitoring import FigureCode, MonitoringCriterion, MonitoringIndicator, MonitoringValue
from .places import Municipality, Region, School
from .records import PromotionMeasure, RegionRecord, TeamRole, TeamTraining, TrainingNeed
from .reference import Competency, Nosology
from .requests import CuratorRequest, RequestAttachment, RequestMessage
from .roadmap import RoadmapItem
from .roles import Coordinator, Curator

__all__ = [
    "GRADE_MAX",
    "GRADE_MIN",
    "Appeal",
    "Campaign",
    "CampaignStage",
    "Competency",
    "Coordinator",
    "Curator",
    "CuratorRequest",
    "FigureCode",
    "MonitoringCriterion",
    "MonitoringIndicator",
    "MonitoringValue",
    "Municipality",
    "Nosology",
    "PromotionMeasure",
    "Region",
    "RegionRecord",
    "RegionTarget",
    "RequestAttachment",
    "RequestMessage",
    "RoadmapItem",
    "School",
    "TeamRole",
    "TeamTraining",
    "TrainingNeed",
]

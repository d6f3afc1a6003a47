"""The demo regions' roadmaps (issue 15 §2), after the Tula roadmap of seed 001, dated within the demo campaign so
that some items are done, some under way and some left past their period — the home pages flag those. Found by
(region, campaign, number), so a second run of seed_demo changes nothing."""

import calendar
import datetime as dt

from django.utils import timezone

from regions.models import Campaign, Region, RoadmapItem
from regions.roadmap.numbers import sort_key
from regions.roadmap.periods import Period, PeriodKind, Recurrence

OPERATOR = "Региональный оператор"
VENUES = "Региональный оператор, площадки Проекта"
# (number, activity, period, responsible parties, expected result, how it goes). A period is (kind, first month,
# last month) counted from the campaign's first month, or a day counted from its first day; "late" items are
# left open, so they are past their period once it ends.
ROADMAP = [
    ("1", "Организация взаимодействия с Союзом «Молодые профессионалы (Ворлдскиллс Россия)» по реализации проекта",
     None, "", "", ""),
    ("1.1", "Заключение соглашения между министерством образования и Союзом, определение регионального оператора",
     (PeriodKind.MONTHS, 0, 0), "Союз Ворлдскиллс, министерство образования", "Соглашение", "done"),
    ("1.2", "Предоставление в Союз отчётной документации о ходе и итогах реализации проекта",
     (PeriodKind.CAMPAIGN, Recurrence.MONTHLY), OPERATOR, "Ежемесячные отчёты", "on"),
    ("2", "Организация работы площадок проведения", (PeriodKind.MONTHS, 0, 2), OPERATOR, "", "done"),
    ("2.1", "Отбор площадок и наставников для практических мероприятий проекта", (PeriodKind.MONTHS, 0, 1),
     "Министерство образования, региональный оператор", "Перечень площадок", "done"),
    ("2.2", "Заключение договоров с площадками проведения практических мероприятий", (PeriodKind.MONTHS, 1, 3),
     VENUES, "Договоры с площадками", "late"),
    ("2.3", "Регистрация площадок и наставников на платформе проекта", (PeriodKind.MONTHS, 2, 2),
     "Региональный оператор,\nплощадки Проекта", "", "done"),
    ("2.4", "Проведение практических мероприятий, в том числе для детей с ОВЗ", (PeriodKind.MONTHS, 3, 7), VENUES,
     "Проведённые профессиональные пробы", "on"),
    ("3", "Информирование участников проекта", None, "", "", ""),
    ("3.1", "Информирование руководителей органов управления образованием на августовском совещании",
     (PeriodKind.DATES, 140), "Министерство образования, региональный оператор", "", "done"),
    ("3.2", "Консультации и вебинары для школ по регистрации участников", (PeriodKind.MONTHS, 4, 7, "on_request"),
     OPERATOR, "Записи вебинаров", "on"),
    ("3.3", "Информирование родителей об особенностях регистрации и записи детей на пробы",
     (PeriodKind.MONTHS, 5, 6), "Региональный оператор,\nмуниципальные органы управления образованием",
     "Родительские собрания", "late"),
]


def _month(campaign: Campaign, months: int) -> dt.date:
    first = campaign.starts_on.replace(day=1)
    year, month = divmod(first.month - 1 + months, 12)
    return dt.date(first.year + year, month + 1, 1)


def _period(campaign: Campaign, spec) -> Period | None:
    if spec is None:
        return None
    kind, *rest = spec
    if kind == PeriodKind.CAMPAIGN:
        return Period(kind, campaign.starts_on, campaign.ends_on, rest[0])
    if kind == PeriodKind.DATES:
        day = min(campaign.starts_on + dt.timedelta(days=rest[0]), campaign.ends_on)
        return Period(kind, day, day)
    first, last = _month(campaign, rest[0]), _month(campaign, rest[1])
    end = min(last.replace(day=calendar.monthrange(last.year, last.month)[1]), campaign.ends_on)
    return Period(kind, first, max(end, first), rest[2] if len(rest) > 2 else "")


def _status(period: Period | None, plan: str, today: dt.date) -> str:
    if period is None or today < period.starts_on:
        return RoadmapItem.Status.PLANNED
    if plan == "done" and period.ends_on < today:
        return RoadmapItem.Status.DONE
    return RoadmapItem.Status.IN_PROGRESS if plan in ("done", "late", "on") else RoadmapItem.Status.PLANNED


def ensure_roadmap(*, region: Region, campaign: Campaign, coordinator) -> None:
    today = timezone.localdate()
    for number, activity, spec, responsible, result, plan in ROADMAP:
        period = _period(campaign, spec)
        RoadmapItem.objects.update_or_create(
            region=region, campaign=campaign, number=number,
            defaults={
                "sort_key": sort_key(number), "activity": activity, "responsible": responsible,
                "expected_result": result, "status": _status(period, plan, today), "created_by": coordinator,
                "period_kind": period.kind if period else "", "period_start": period.starts_on if period else None,
                "period_end": period.ends_on if period else None,
                "period_recurrence": period.recurrence if period else "",
            },
        )

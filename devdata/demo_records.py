"""The demo's coordinator records (issue 13 §1) and monitoring indicators (seed 004), found by natural keys so that
seed_demo stays idempotent: a second run finds every row and changes nothing."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from regions.models import (
    Campaign,
    FigureCode,
    MonitoringCriterion,
    MonitoringIndicator,
    MonitoringValue,
    PromotionMeasure,
    Region,
    TeamRole,
    TeamTraining,
    TrainingNeed,
)

Unit = MonitoringIndicator.Unit

# Seed 004, «Критерии и показатели реализации дорожной карты» (names shortened where the seed runs on), and the
# figures of SPEC §4 that stand for some of them: those are computed by the monitoring report, not entered.
MONITORING = [
    ("1. Нормативный", [
        ("1.1. Наличие муниципальных, локальных планов по профориентации обучающихся", Unit.UNITS, ""),
        ("1.3. Наличие договоров/соглашений о социальном партнерстве в области профориентации обучающихся",
         Unit.UNITS, ""),
        ("1.4. Количество заключенных договоров/соглашений образовательных организаций с социальными партнерами по "
         "реализации профориентационных мероприятий", Unit.UNITS, ""),
    ]),
    ("2. Кадровый", [
        ("2.2. Количество педагогов, осуществляющих профориентационную работу с обучающимися и их родителями",
         Unit.PEOPLE, ""),
        ("2.3. Количество педагогических работников, прошедших курсы повышения квалификации по профориентации",
         Unit.PEOPLE, FigureCode.TEAM_TRAININGS),
        ("Количество педагогов-навигаторов проекта «Билет в будущее»", Unit.PEOPLE, FigureCode.NAVIGATORS),
    ]),
    ("3. Научно-методический", [
        ("3.1. Наличие программы элективных курсов, факультативов, профессиональных проб и других", Unit.YES_NO, ""),
        ("3.3. Количество методических разработок, пособий, электронных ресурсов по профориентации", Unit.UNITS, ""),
    ]),
    ("4. Организационный", [
        ("4.1. Охват обучающихся, занятых внеурочной деятельностью по формированию профессионального "
         "самоопределения", Unit.PERCENT, ""),
        ("4.2. Охват обучающихся, ведущих Портфолио достижений, включающее раздел по профориентации", Unit.PERCENT,
         ""),
        ("Количество участников профессиональных проб проекта «Билет в будущее»", Unit.PEOPLE,
         FigureCode.PARTICIPANTS),
    ]),
    ("5. Информационный", [
        ("5.2. Наличие на сайте организации актуальной информации в разделе по профориентации", Unit.YES_NO, ""),
        ("5.3. Количество публикаций, репортажей, интервью в СМИ о реализации проекта", Unit.UNITS,
         FigureCode.PROMOTION_MEASURES),
    ]),
]

# Values entered by each region's coordinator: (indicator number, last year's, this year's).
MONITORING_VALUES = {
    "71": [("1.1.", 26, 31), ("2.2.", 410, 455), ("3.1.", 1, 1), ("4.1.", Decimal("38.5"), Decimal("44.2")),
           ("5.2.", 1, 1)],
    "67": [("1.1.", 18, 22), ("2.2.", 275, 290), ("3.1.", 0, 1), ("4.2.", Decimal("12"), Decimal("19.5"))],
}

# (days after the campaign starts, kind, title, link, reach)
PROMOTION = [
    (10, PromotionMeasure.Kind.PUBLICATION, "Статья «Билет в будущее: стартовала регистрация школьников»",
     "https://edu.example.ru/news/bilet-start", 5400),
    (35, PromotionMeasure.Kind.SOCIAL_POST, "Пост о профессиональных пробах в сообществе министерства",
     "https://vk.com/wall-100_200", 12800),
    (60, PromotionMeasure.Kind.EVENT, "Региональное родительское собрание о проекте", "", 320),
    (90, PromotionMeasure.Kind.BROADCAST, "Рассылка педагогам-навигаторам о записи на пробы", "", 148),
]
# (days after the start, person, role, course, format)
TRAINING = [
    (20, "Соколова Ирина Алексеевна", TeamRole.NAVIGATOR, "Педагог-навигатор: сопровождение участников проекта",
     TeamTraining.Format.COURSE),
    (25, "Захаров Денис Олегович", TeamRole.SCHOOL_HEAD, "Профориентация в управлении школой",
     TeamTraining.Format.WEBINAR),
    (40, "Лебедева Анна Сергеевна", TeamRole.OFFICIAL, "Проект «Билет в будущее»: региональный этап",
     TeamTraining.Format.WEBINAR),
]
# (months after the campaign's first month, topic, audience, people)
NEEDS = [
    (3, "Работа с участниками с ОВЗ на профессиональных пробах", TeamRole.TEACHER, 25),
    (5, "Онлайн-диагностика: интерпретация результатов", TeamRole.NAVIGATOR, 40),
]


def ensure_monitoring_indicators() -> None:
    for c_order, (title, indicators) in enumerate(MONITORING, start=1):
        criterion, _created = MonitoringCriterion.objects.update_or_create(title=title, defaults={"order": c_order})
        for i_order, (name, unit, figure_code) in enumerate(indicators, start=1):
            MonitoringIndicator.objects.update_or_create(
                criterion=criterion, name=name,
                defaults={"unit": unit, "figure_code": figure_code, "order": i_order, "active": True},
            )


def ensure_region_records(*, region: Region, campaign: Campaign, coordinator) -> None:
    today = timezone.localdate()

    def day(after_start: int) -> dt.date:
        # Within the campaign and not after today, as the services require of things that have happened.
        return min(campaign.starts_on + dt.timedelta(days=after_start), today, campaign.ends_on)

    scope = {"region": region, "campaign": campaign}
    for after, kind, title, link, reach in PROMOTION:
        PromotionMeasure.objects.update_or_create(
            **scope, title=title,
            defaults={"kind": kind, "held_on": day(after), "link": link, "reach": reach, "created_by": coordinator},
        )
    for after, person, role, course, format_ in TRAINING:
        TeamTraining.objects.update_or_create(
            **scope, person_name=person, course=course,
            defaults={"role": role, "format": format_, "completed_on": day(after), "created_by": coordinator},
        )
    first_month = campaign.starts_on.replace(day=1)
    for months, topic, audience, people in NEEDS:
        month = (first_month + dt.timedelta(days=31 * months)).replace(day=1)
        TrainingNeed.objects.update_or_create(
            **scope, topic=topic,
            defaults={"audience": audience, "people_count": people,
                      "wished_month": min(month, campaign.ends_on.replace(day=1)), "created_by": coordinator},
        )
    indicators = {i.name.split(" ", 1)[0]: i for i in MonitoringIndicator.objects.filter(figure_code="")}
    year = today.year
    for number, last_year, this_year in MONITORING_VALUES.get(region.code, []):
        for y, value in ((year - 1, last_year), (year, this_year)):
            MonitoringValue.objects.update_or_create(
                indicator=indicators[number], region=region, year=y,
                defaults={"value": Decimal(value), "entered_by": coordinator},
            )

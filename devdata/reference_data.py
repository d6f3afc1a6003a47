"""Reference data shared by the demo (`seed_demo`) and the generated load data (`generate_load_data`).

Russian names, WorldSkills competencies and the 2026 campaign with the stages of seed 003 (Smolensk, 2022) moved to
2026 and the booking rules of seed 002 (Irkutsk, 2020: 4 events, 1 in person).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from regions.models import Campaign, CampaignStage, Competency

# Surnames that take -а in the feminine (Иванов → Иванова).
SURNAMES = [
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
    "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев",
    "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев",
    "Романов", "Воробьёв", "Сергеев", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин",
    "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов", "Жуков",
    "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев",
]
BOYS = [
    "Александр", "Максим", "Артём", "Михаил", "Иван", "Дмитрий", "Даниил", "Кирилл", "Егор", "Никита", "Матвей",
    "Андрей", "Илья", "Алексей", "Роман", "Сергей", "Тимофей", "Ярослав", "Фёдор", "Георгий", "Лев", "Степан",
]
GIRLS = [
    "Анна", "Мария", "София", "Алиса", "Виктория", "Полина", "Елизавета", "Анастасия", "Дарья", "Варвара",
    "Екатерина", "Ксения", "Арина", "Вероника", "Валерия", "Ульяна", "Милана", "Таисия", "Василиса", "Ева",
]
MEN = ["Сергей", "Андрей", "Алексей", "Дмитрий", "Александр", "Игорь", "Владимир", "Олег", "Евгений", "Павел"]
WOMEN = ["Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия", "Марина", "Екатерина", "Анна"]
# (masculine, feminine) patronymics from the same father's name.
PATRONYMICS = [
    ("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"), ("Андреевич", "Андреевна"),
    ("Дмитриевич", "Дмитриевна"), ("Алексеевич", "Алексеевна"), ("Игоревич", "Игоревна"),
    ("Владимирович", "Владимировна"), ("Николаевич", "Николаевна"), ("Михайлович", "Михайловна"),
    ("Викторович", "Викторовна"), ("Олегович", "Олеговна"), ("Евгеньевич", "Евгеньевна"),
    ("Юрьевич", "Юрьевна"), ("Павлович", "Павловна"),
]

# WorldSkills Russia competencies offered as professional trials, with their professional sphere.
COMPETENCIES = [
    ("WSR-10", "Сварочные технологии", "Промышленность и инженерия"),
    ("WSR-09", "Программные решения для бизнеса", "Информационные технологии"),
    ("WSR-41", "Медицинский и социальный уход", "Здоровье"),
    ("WSR-34", "Поварское дело", "Сфера услуг"),
    ("WSR-32", "Кондитерское дело", "Сфера услуг"),
    ("WSR-05", "Инженерный дизайн CAD", "Промышленность и инженерия"),
    ("WSR-17", "Веб-технологии", "Информационные технологии"),
    ("WSR-33", "Ремонт и обслуживание легковых автомобилей", "Транспорт и логистика"),
    ("WSR-18", "Электромонтаж", "Строительство"),
    ("WSR-R1", "Лабораторный химический анализ", "Промышленность и инженерия"),
    ("WSR-23", "Мобильная робототехника", "Информационные технологии"),
    ("WSR-29", "Парикмахерское искусство", "Сфера услуг"),
    ("WSR-40", "Графический дизайн", "Творчество и дизайн"),
    ("WSR-39", "Сетевое и системное администрирование", "Информационные технологии"),
    ("WSR-R6", "Дошкольное воспитание", "Образование"),
    ("WSR-R7", "Агрономия", "Агропромышленный комплекс"),
]

CAMPAIGN_NAME = "Билет в будущее — 2026"
CAMPAIGN_YEAR = 2026
# Seed 003 (Smolensk, 2022), the same stages moved to 2026.
CAMPAIGN_STAGES = [
    (1, "Регистрация на платформе не менее 75 педагогов-навигаторов", dt.date(2026, 4, 1), dt.date(2026, 5, 16)),
    (2, "Регистрация на платформе не менее 4 500 обучающихся 6–11 классов; обучение педагогов-навигаторов",
     dt.date(2026, 4, 1), dt.date(2026, 10, 3)),
    (3, "Сбор оригиналов согласий на обработку персональных данных", dt.date(2026, 4, 1), dt.date(2026, 10, 25)),
    (4, "Онлайн-диагностика не менее 4 500 обучающихся и профессиональные пробы не менее 865 обучающихся",
     dt.date(2026, 4, 1), dt.date(2026, 11, 25)),
    (5, "Подготовка и сдача отчётных документов и материалов", dt.date(2026, 11, 25), dt.date(2026, 12, 12)),
]
CAMPAIGN_STARTS_ON = dt.date(2026, 4, 1)
CAMPAIGN_ENDS_ON = dt.date(2026, 12, 12)


def person(i: int, *, female: bool, adult: bool = False) -> tuple[str, str, str]:
    """(last name, first name, patronymic) number `i`: deterministic, so a second run finds the same people."""
    surname = SURNAMES[i % len(SURNAMES)] + ("а" if female else "")
    firsts = (WOMEN if female else MEN) if adult else (GIRLS if female else BOYS)
    first = firsts[(i // len(SURNAMES) + i) % len(firsts)]
    patronymic = PATRONYMICS[(i * 7 + 3) % len(PATRONYMICS)][1 if female else 0]
    return surname, first, patronymic


def ensure_competencies() -> list[Competency]:
    result = []
    for code, name, sphere in COMPETENCIES:
        competency, _ = Competency.objects.update_or_create(code=code, defaults={"name": name, "sphere": sphere})
        result.append(competency)
    return result


# The signed paper consents are due at the schools by 1 October (the coverage page shows overdue ones).
CAMPAIGN_PAPER_DEADLINE = dt.date(2026, 10, 1)


@transaction.atomic
def ensure_campaign() -> Campaign:
    """The current campaign, made the only active one.

    The campaign runs to 12 December 2026 (seed 003); when the demo is set up later than that, the end moves so that
    the demo stays bookable.
    """
    today = timezone.localdate()
    ends_on = max(CAMPAIGN_ENDS_ON, today + dt.timedelta(days=60))
    tz = timezone.get_current_timezone()
    Campaign.objects.filter(is_active=True).exclude(name=CAMPAIGN_NAME).update(is_active=False)
    campaign, _ = Campaign.objects.update_or_create(
        name=CAMPAIGN_NAME,
        defaults={
            "year": CAMPAIGN_YEAR,
            "starts_on": CAMPAIGN_STARTS_ON,
            "ends_on": ends_on,
            "booking_opens_at": dt.datetime.combine(CAMPAIGN_STARTS_ON, dt.time(9, 0), tz),
            "booking_closes_at": dt.datetime.combine(ends_on, dt.time(18, 0), tz),
            "grade_min": 6,
            "grade_max": 11,
            "consent_required": True,
            "max_events_per_student": 4,
            "max_offline_per_student": 1,
            "cancel_hours_before": 24,
            "recommendation_days": 7,
            "is_active": True,
            "paper_deadline": CAMPAIGN_PAPER_DEADLINE,
        },
    )
    for number, title, starts_on, deadline in CAMPAIGN_STAGES:
        CampaignStage.objects.update_or_create(
            campaign=campaign, number=number,
            defaults={"title": title, "starts_on": starts_on, "deadline": max(deadline, starts_on)},
        )
    return campaign

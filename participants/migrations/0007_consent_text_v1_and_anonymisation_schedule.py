"""The first consent text (operator staff publish later versions in the admin) and the daily beat entry of the
anonymisation job (152-ФЗ art. 21: personal data erased within 30 days of a withdrawal)."""

import datetime as dt

from django.db import migrations

TASK = "participants.anonymise_withdrawn"
ENTRY = "Обезличивание данных после отзыва согласия (ежедневно)"

TEXT_V1 = """Я, законный представитель обучающегося, в соответствии со статьями 9 и 10 Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных» даю согласие оператору проекта «Билет в будущее» — Союзу «Молодые профессионалы (Ворлдскиллс Россия)» (далее — Оператор), а также региональному оператору проекта и организациям, проводящим практические мероприятия, на обработку персональных данных моего ребёнка и моих персональных данных.

Цель обработки: участие ребёнка в проекте по ранней профессиональной ориентации обучающихся 6–11 классов «Билет в будущее»: регистрация на портале, прохождение онлайн-диагностики, запись на профессиональные пробы и практические мероприятия, получение рекомендаций наставников, подготовка отчётности по проекту.

Перечень персональных данных: фамилия, имя, отчество; дата рождения; образовательная организация, класс; муниципальное образование и субъект Российской Федерации; адрес электронной почты и номер телефона; сведения об ограничениях возможностей здоровья (нозологическая группа), если они указаны; результаты диагностики; сведения об участии в мероприятиях проекта.

Действия с персональными данными: сбор, запись, систематизация, накопление, хранение, уточнение, извлечение, использование, передача (предоставление, доступ) лицам, указанным выше, обезличивание, блокирование, удаление, уничтожение — с использованием средств автоматизации и без них.

Согласие действует до окончания проекта или до его отзыва. Я знаю, что могу отозвать согласие в личном кабинете портала или письменным заявлением Оператору; после отзыва запись на мероприятия прекращается, а персональные данные ребёнка обезличиваются в срок не более 30 дней (часть 5 статьи 21 Федерального закона № 152-ФЗ)."""


def forwards(apps, schema_editor):
    ConsentText = apps.get_model("participants", "ConsentText")
    if not ConsentText.objects.exists():
        ConsentText.objects.create(
            version=1, text=TEXT_V1, effective_from=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
        )
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/Moscow"
    )
    PeriodicTask.objects.update_or_create(name=ENTRY, defaults={"task": TASK, "crontab": schedule, "enabled": True})


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=ENTRY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0006_consent_texts_subjects_destruction_acts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

"""The online diagnostics (issue 14 §5): scoring, versions, stop and resume, completion, who reads the results."""

import pytest
from django.apps import apps
from django.urls import reverse

from bilet.models import PersonalDataAccess
from participants.diagnostic_bank import install_diagnostic_bank
from participants.models import (
    DiagnosticAttempt,
    DiagnosticBand,
    DiagnosticOption,
    DiagnosticResult,
    DiagnosticVersion,
)
from participants.services.diagnostics import (
    DiagnosticError,
    diagnostic_answers_save,
    diagnostic_attempt_complete,
    diagnostic_score,
    diagnostic_version_copy,
    diagnostic_version_publish,
)
from regions.tests.factories import UserFactory

from .factories import StudentFactory

PASSWORD = "test-pass-2026"


@pytest.fixture
def bank(db):
    """The published bank of the data migration (installed again if a transactional test flushed it)."""
    install_diagnostic_bank(apps.get_model)
    return {v.instrument.stage: v for v in DiagnosticVersion.objects.filter(status="published").select_related("instrument")}


def questions_of(version):
    return list(version.questions.prefetch_related("options").order_by("number"))


def option(question, order):
    return next(o for o in question.options.all() if o.order == order)


def options_for_scale(version, scale: str, score: int) -> dict:
    """Chosen options (question id → option) giving `scale` the score, every other question at its lowest weight
    for the scale; questions of other scales take their first option that adds nothing to `scale`."""
    chosen, left = {}, score
    for question in questions_of(version):
        options = list(question.options.all())
        by_weight = sorted(options, key=lambda o: o.weights.get(scale, 0), reverse=True)
        pick = next((o for o in by_weight if o.weights.get(scale, 0) <= left), by_weight[-1])
        left -= pick.weights.get(scale, 0)
        chosen[question.pk] = pick
    assert left == 0, f"cannot reach {score} on {scale}"
    return chosen


def scale_result(scoring, code):
    return next(s for s in scoring.scales if s.code == code)


# --- scoring of each stage, every band edge -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("scale", ["awareness", "readiness"])
@pytest.mark.parametrize(
    "score, band", [(0, "низкий"), (4, "низкий"), (5, "средний"), (8, "средний"), (9, "высокий"), (12, "высокий")]
)
def test_stage_1_readiness_bands(bank, scale, score, band):
    scoring = diagnostic_score(version=bank[1], chosen=options_for_scale(bank[1], scale, score))
    result = scale_result(scoring, scale)
    assert (result.score, result.band) == (score, band)
    assert scoring.spheres == []
    assert f"{result.name}: {band}." in scoring.text


def test_stage_1_reversed_statement_counts_backwards(bank):
    version = bank[1]
    statement = next(q for q in questions_of(version) if "всё равно" in q.text)
    assert option(statement, 1).weights == {"awareness": 3} and option(statement, 4).weights == {"awareness": 0}


KLIMOV = ["nature", "technology", "people", "signs", "art"]


def klimov_choices(version, wanted: list[str]) -> dict:
    """In pair i, the option of type wanted[i] (or the first option if the pair lacks it)."""
    chosen = {}
    for question, kind in zip(questions_of(version), wanted):
        options = list(question.options.all())
        chosen[question.pk] = next((o for o in options if kind in o.weights), options[0])
    return chosen


@pytest.mark.django_db
@pytest.mark.parametrize(
    "pairs, scores, spheres",
    [
        # The 10 pairs in order: N-T, N-P, N-S, N-A, T-P, T-S, T-A, P-S, P-A, S-A.
        (["technology", "people", "signs", "art", "technology", "technology", "technology", "people", "people", "signs"],
         {"nature": 0, "technology": 4, "people": 3, "signs": 2, "art": 1},
         ["Промышленность и инженерия", "Строительство", "Транспорт и логистика"]),
        (["nature", "nature", "nature", "nature", "people", "signs", "art", "signs", "art", "art"],
         {"nature": 4, "technology": 0, "people": 1, "signs": 2, "art": 3},
         ["Агропромышленный комплекс"]),
        # A tie at the top keeps the spheres of both types, in the scales' order.
        (["nature", "nature", "signs", "art", "people", "signs", "art", "people", "people", "signs"],
         {"nature": 2, "technology": 0, "people": 3, "signs": 3, "art": 2},
         ["Образование", "Здоровье", "Сфера услуг", "Информационные технологии"]),
    ],
)
def test_stage_2_interests_bands_and_spheres(bank, pairs, scores, spheres):
    scoring = diagnostic_score(version=bank[2], chosen=klimov_choices(bank[2], pairs))
    assert {s.code: s.score for s in scoring.scales} == scores
    bands = {0: "не выражен", 1: "не выражен", 2: "средний", 3: "выраженный", 4: "выраженный"}
    assert {s.code: s.band for s in scoring.scales} == {code: bands[score] for code, score in scores.items()}
    assert scoring.spheres == spheres
    assert scoring.text.endswith("Профессиональные сферы, с которых стоит начать: " + ", ".join(spheres) + ".")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "correct, percent, band",
    [(0, 0, "низкий"), (1, 20, "низкий"), (2, 40, "средний"), (3, 60, "средний"), (4, 80, "высокий"), (5, 100, "высокий")],
)
def test_stage_3_knowledge_percentage(bank, correct, percent, band):
    chosen = {}
    knowledge = [q for q in questions_of(bank[3]) if any(o.is_correct for o in q.options.all())]
    assert len(knowledge) == 5
    for n, question in enumerate(questions_of(bank[3])):
        options = list(question.options.all())
        right = next((o for o in options if o.is_correct), None)
        wrong = next(o for o in options if not o.is_correct)
        chosen[question.pk] = right if right is not None and n < correct else wrong
    result = scale_result(diagnostic_score(version=bank[3], chosen=chosen), "knowledge")
    assert (result.score, result.band) == (percent, band)


@pytest.mark.django_db
@pytest.mark.parametrize("scale", ["self_organisation", "teamwork"])
@pytest.mark.parametrize(
    "score, band", [(0, "низкий"), (2, "низкий"), (3, "средний"), (4, "средний"), (5, "высокий"), (6, "высокий")]
)
def test_stage_3_meta_skill_bands(bank, scale, score, band):
    result = scale_result(diagnostic_score(version=bank[3], chosen=options_for_scale(bank[3], scale, score)), scale)
    assert (result.score, result.band) == (score, band)


# --- answering, stopping, resuming, completing ------------------------------------------------------------------------


def answer_all(student, stage, pick=1):
    """Answer every question of the stage's published version with the option in position `pick`."""
    version = DiagnosticVersion.objects.get(instrument__stage=stage, status="published")
    answers = {q.pk: option(q, pick).pk for q in questions_of(version)}
    diagnostic_answers_save(student=student, stage=stage, version_id=version.pk, answers=answers)
    return version


@pytest.mark.django_db
def test_complete_stage_records_the_version_scores_and_text(world, bank):
    student = world.a.student
    answer_all(student, 1, pick=4)
    result = diagnostic_attempt_complete(student=student, stage=1)
    assert result.version == bank[1]
    assert [(s["code"], s["score"], s["band"]) for s in result.scores] == [
        ("awareness", 9, "высокий"), ("readiness", 9, "высокий")
    ]
    assert result.result.startswith("Осознанность выбора: высокий. Ты хорошо представляешь")
    assert DiagnosticAttempt.objects.get(student=student, stage=1).completed_at == result.completed_at
    with pytest.raises(DiagnosticError, match="Вы уже прошли этот этап."):
        diagnostic_attempt_complete(student=student, stage=1)
    with pytest.raises(DiagnosticError, match="Вы уже прошли этот этап."):
        answer_all(student, 1)


@pytest.mark.django_db
def test_complete_refuses_unanswered_questions(world, bank):
    student = world.a.student
    first = questions_of(bank[1])[0]
    diagnostic_answers_save(student=student, stage=1, version_id=bank[1].pk, answers={first.pk: option(first, 2).pk})
    with pytest.raises(DiagnosticError, match="Ответьте на все вопросы, чтобы завершить этап: отвечено 1 из 8."):
        diagnostic_attempt_complete(student=student, stage=1)
    assert not DiagnosticResult.objects.filter(student=student).exists()


@pytest.mark.django_db
def test_answer_of_another_question_or_version_is_refused(world, bank):
    student = world.a.student
    first, second = questions_of(bank[1])[:2]
    with pytest.raises(DiagnosticError, match="Этот ответ не относится к вопросу"):
        diagnostic_answers_save(student=student, stage=1, version_id=bank[1].pk, answers={first.pk: option(second, 1).pk})
    with pytest.raises(DiagnosticError, match="Тест обновился"):
        diagnostic_answers_save(student=student, stage=1, version_id=bank[2].pk, answers={first.pk: option(first, 1).pk})


@pytest.mark.django_db
def test_completing_three_stages_counts_as_diagnostics_completed(client, world, bank):
    student = world.a.student
    for stage in (1, 2, 3):
        answer_all(student, stage)
        diagnostic_attempt_complete(student=student, stage=stage)
    assert DiagnosticResult.objects.filter(student=student).count() == 3
    client.force_login(world.a.coordinator.user)
    page = client.get(reverse("participants:student_list") + "?diagnostics=complete")
    assert list(page.context["page_obj"].object_list) == [student]


# --- the pages: stop and resume without JavaScript -------------------------------------------------------------------


def _stage_url(stage, page=None):
    url = reverse("participants:diagnostic_stage", args=[stage])
    return f"{url}?page={page}" if page else url


def _page_post(version, questions, pick, action):
    data = {"version": version.pk, "action": action}
    data.update({f"q{q.pk}": option(q, pick).pk for q in questions})
    return data


@pytest.mark.django_db
def test_stop_and_resume_a_stage(client, world, bank):
    client.force_login(world.a.student.user)
    version = bank[1]
    questions = questions_of(version)
    page_one = [q for q in questions if q.page == 1]

    response = client.get(_stage_url(1))
    assert response.status_code == 200
    assert [item["question"] for item in response.context["questions"]] == page_one

    response = client.post(_stage_url(1, 1), _page_post(version, page_one, 3, "exit"))
    assert response.status_code == 302 and response.url == reverse("participants:diagnostics_hub")
    hub = client.get(reverse("participants:diagnostics_hub"))
    assert "4 из 8 отвечено" in hub.content.decode()

    # Coming back, the student lands on the first page with an unanswered question; page 1 keeps the answers.
    response = client.get(_stage_url(1))
    assert response.context["page"] == 2
    back = client.get(_stage_url(1, 1))
    assert [item["chosen"] for item in back.context["questions"]] == [option(q, 3).pk for q in page_one]

    page_two = [q for q in questions if q.page == 2]
    response = client.post(_stage_url(1, 2), _page_post(version, page_two, 3, "finish"))
    assert response.status_code == 302
    assert response.url == reverse("participants:diagnostic_results", args=[world.a.student.pk])
    result = DiagnosticResult.objects.get(student=world.a.student, stage=1)
    assert [s["score"] for s in result.scores] == [7, 7]


@pytest.mark.django_db
def test_finish_with_unanswered_questions_stays_on_the_page(client, world, bank):
    client.force_login(world.a.student.user)
    page_two = [q for q in questions_of(bank[1]) if q.page == 2]
    response = client.post(_stage_url(1, 2), _page_post(bank[1], page_two, 1, "finish"))
    assert response.status_code == 400
    assert "отвечено 4 из 8" in response.context["error"]


def _htmx_answer(client, stage, version, question, pick):
    return client.post(
        reverse("participants:diagnostic_answer", args=[stage]),
        {"version": version.pk, f"q{question.pk}": option(question, pick).pk}, HTTP_HX_REQUEST="true",
    )


@pytest.mark.django_db
def test_htmx_saves_answers_in_place(client, world, bank):
    client.force_login(world.a.student.user)
    first = questions_of(bank[2])[0]
    response = _htmx_answer(client, 2, bank[2], first, 2)
    assert response.content.decode() == "Ответы сохранены: 1 из 10."
    assert DiagnosticAttempt.objects.get(student=world.a.student, stage=2).answers.get().option == option(first, 2)


@pytest.mark.django_db
def test_only_a_student_takes_a_stage(client, world, bank):
    client.force_login(world.a.guardian.user)
    assert client.get(_stage_url(1)).status_code == 404
    assert client.post(reverse("participants:diagnostic_answer", args=[1]), {}).status_code == 404
    client.force_login(world.a.student.user)
    assert client.get(_stage_url(4)).status_code == 404


@pytest.mark.django_db
def test_hub_shows_each_state_and_pins_its_queries(client, world, bank, django_assert_num_queries):
    student = world.a.student
    answer_all(student, 1)
    diagnostic_attempt_complete(student=student, stage=1)
    first = questions_of(bank[2])[0]
    diagnostic_answers_save(student=student, stage=2, version_id=bank[2].pk, answers={first.pk: option(first, 1).pk})
    client.force_login(student.user)
    # the user, the roles, the students, the published versions, the open attempts, the results, the unread
    # notifications of the navigation bar
    with django_assert_num_queries(7):
        page = client.get(reverse("participants:diagnostics_hub"))
    states = page.context["rows"][0]["stages"]
    assert [(s.completed, s.started, s.answered, s.total) for s in states] == [
        (True, False, 0, 0), (False, True, 1, 10), (False, False, 0, 8)
    ]
    html = page.content.decode()
    assert "пройден" in html and "1 из 10 отвечено" in html and "не начат" in html


@pytest.mark.django_db
def test_guardian_hub_lists_each_child(client, world, bank, django_assert_num_queries):
    client.force_login(world.a.guardian.user)
    with django_assert_num_queries(7):  # with the unread notifications of the navigation bar
        page = client.get(reverse("participants:diagnostics_hub"))
    assert [row["student"] for row in page.context["rows"]] == sorted(
        [world.a.student, world.a.sibling], key=lambda s: (s.last_name, s.first_name, s.pk)
    )
    assert _stage_url(1) not in page.content.decode()


# --- versions ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_editing_a_published_version_makes_a_new_one_and_keeps_old_results(world, bank):
    student, other = world.a.student, world.a.sibling
    answer_all(student, 1, pick=4)
    old_result = diagnostic_attempt_complete(student=student, stage=1)
    old_text = old_result.result
    # `other` began stage 1 on version 1 before version 2 appears.
    first = questions_of(bank[1])[0]
    diagnostic_answers_save(student=other, stage=1, version_id=bank[1].pk, answers={first.pk: option(first, 4).pk})

    draft = diagnostic_version_copy(version=bank[1])
    assert (draft.number, draft.status) == (2, "draft")
    assert draft.questions.count() == 8 and DiagnosticOption.objects.filter(question__version=draft).count() == 32
    band = DiagnosticBand.objects.get(scale__version=draft, scale__code="awareness", label="высокий")
    band.text = "Новый текст результата."
    band.save()
    diagnostic_version_publish(version=draft)

    bank[1].refresh_from_db()
    assert bank[1].status == "archived"
    old_result.refresh_from_db()
    assert (old_result.version_id, old_result.result) == (bank[1].pk, old_text)
    assert DiagnosticBand.objects.get(scale__version=bank[1], scale__code="awareness", label="высокий").text != band.text

    # A stage begun on version 1 is finished on it; a new one begins on version 2.
    answer_all_on(other, 1, bank[1], pick=4)
    assert diagnostic_attempt_complete(student=other, stage=1).version == bank[1]
    newcomer = StudentFactory(school=world.a.school)
    answer_all(newcomer, 1, pick=4)
    result = diagnostic_attempt_complete(student=newcomer, stage=1)
    assert result.version == draft and "Осознанность выбора: высокий. Новый текст результата." in result.result


def answer_all_on(student, stage, version, pick):
    answers = {q.pk: option(q, pick).pk for q in questions_of(version)}
    diagnostic_answers_save(student=student, stage=stage, version_id=version.pk, answers=answers)


@pytest.mark.django_db
def test_publishing_refuses_a_broken_draft(bank):
    draft = diagnostic_version_copy(version=bank[2])
    scale = draft.scales.get(code="nature")
    DiagnosticBand.objects.create(scale=scale, min_score=1, max_score=3, label="лишний", text="…")
    DiagnosticOption.objects.filter(question__version=draft).update(weights={"unknown": 1})
    with pytest.raises(DiagnosticError, match="Уровни шкалы «Человек — природа» пересекаются.") as refusal:
        diagnostic_version_publish(version=draft)
    assert "веса на неизвестных шкалах" in str(refusal.value)
    with pytest.raises(DiagnosticError, match="Опубликовать можно только черновик."):
        diagnostic_version_publish(version=bank[2])
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.django_db
def test_admin_keeps_a_published_version_read_only_and_copies_it(client, world, bank):
    client.force_login(world.operator)
    change = reverse("admin:participants_diagnosticversion_change", args=[bank[1].pk])
    page = client.get(change)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert "Это не черновик, поэтому версию нельзя изменить" in page.content.decode()
    assert client.post(change, {"note": "правка"}).status_code == 403
    question = bank[1].questions.first()
    assert client.post(reverse("admin:participants_diagnosticquestion_change", args=[question.pk]), {}).status_code == 403

    response = client.post(
        reverse("admin:participants_diagnosticversion_changelist"),
        {"action": "copy_as_draft", "_selected_action": [bank[1].pk]},
    )
    assert response.status_code == 302
    draft = DiagnosticVersion.objects.get(instrument=bank[1].instrument, status="draft")
    assert client.get(reverse("admin:participants_diagnosticversion_change", args=[draft.pk])).context[
        "has_change_permission"
    ]


# --- who reads the results ----------------------------------------------------------------------------------------------


def _results_url(student):
    return reverse("participants:diagnostic_results", args=[student.pk])


@pytest.fixture
def completed(world, bank):
    student = world.a.student
    for stage in (1, 2):
        answer_all(student, stage)
        diagnostic_attempt_complete(student=student, stage=stage)
    return student


@pytest.mark.django_db
def test_student_reads_own_results_without_a_log_row(client, completed):
    client.force_login(completed.user)
    page = client.get(_results_url(completed))
    assert page.status_code == 200
    assert [r.stage for r in page.context["results"]] == [1, 2]
    assert "Осознанность выбора" in page.content.decode()
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["guardian", "navigator", "coordinator"])
def test_family_school_and_region_read_results_and_each_view_is_logged(client, world, completed, reader):
    user = getattr(world.a, reader).user
    client.force_login(user)
    for _view in range(2):
        assert client.get(_results_url(completed)).status_code == 200
    rows = PersonalDataAccess.objects.filter(user=user)
    assert rows.count() == 2
    row = rows.first()
    assert (row.kind, row.what, row.query) == ("view", "Результаты онлайн-диагностики", _results_url(completed))
    assert completed.full_name in row.scope


@pytest.mark.django_db
@pytest.mark.parametrize(
    "reader",
    ["a.other_guardian", "a.other_navigator", "b.coordinator", "b.guardian", "a.venue_staff", "a.mentor", "curator",
     "a.other_student"],
)
def test_anyone_else_gets_404(client, world, completed, reader):
    holder = world
    for part in reader.split("."):
        holder = getattr(holder, part)
    client.force_login(holder.user)
    assert client.get(_results_url(completed)).status_code == 404
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.django_db
def test_user_without_a_role_gets_404(client, completed):
    client.force_login(UserFactory())
    assert client.get(_results_url(completed)).status_code == 404
    assert client.get(reverse("participants:diagnostics_hub")).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("reader, linked", [("a.navigator", True), ("a.coordinator", True), ("curator", False)])
def test_student_page_links_to_the_results_for_those_who_read_them(client, world, reader, linked):
    holder = world
    for part in reader.split("."):
        holder = getattr(holder, part)
    client.force_login(holder.user)
    page = client.get(reverse("participants:student_detail", args=[world.a.student.pk]))
    assert page.status_code == 200
    assert (_results_url(world.a.student) in page.content.decode()) is linked


@pytest.mark.django_db
def test_back_saves_the_page_and_goes_to_the_previous_one(client, world, bank):
    client.force_login(world.a.student.user)
    page_two = [q for q in questions_of(bank[1]) if q.page == 2]
    response = client.post(_stage_url(1, 2), _page_post(bank[1], page_two[:2], 2, "back"))
    assert response.status_code == 302 and response.url == _stage_url(1, 1)
    assert DiagnosticAttempt.objects.get(student=world.a.student, stage=1).answers.count() == 2


@pytest.mark.django_db
def test_htmx_answer_of_an_outdated_page_is_refused_in_place(client, world, bank):
    client.force_login(world.a.student.user)
    response = _htmx_answer(client, 1, bank[2], questions_of(bank[1])[0], 1)
    assert "Тест обновился" in response.content.decode()
    assert not DiagnosticAttempt.objects.exists()


@pytest.mark.django_db
def test_results_page_pins_its_queries(client, world, completed, django_assert_num_queries):
    client.force_login(world.a.navigator.user)
    # the user, the roles, the student, the results with their versions, the log
    # row (insert in a savepoint: 3) and its link to the student, the suggested events, the unread notifications of
    # the navigation bar
    with django_assert_num_queries(10):
        page = client.get(_results_url(completed))
    assert page.status_code == 200

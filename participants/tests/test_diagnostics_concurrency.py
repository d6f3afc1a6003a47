"""Overlapping saves of one stage (htmx posts the page's answers on every choice; a double click completes twice).
On PostgreSQL, each side in its own thread and connection."""

import pytest
from django.apps import apps

from participants.diagnostic_bank import install_diagnostic_bank
from participants.models import DiagnosticAnswer, DiagnosticAttempt, DiagnosticResult, DiagnosticVersion
from participants.services.diagnostics import DiagnosticError, diagnostic_answers_save, diagnostic_attempt_complete
from venues.tests.test_followup_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def stage_1(world, require_postgres):
    install_diagnostic_bank(apps.get_model)
    version = DiagnosticVersion.objects.get(instrument__stage=1, status="published")
    questions = list(version.questions.prefetch_related("options").order_by("number"))
    return version, {q.pk: q.options.order_by("order")[0].pk for q in questions}


def _save(student, version, answers):
    return lambda: diagnostic_answers_save(student=student, stage=1, version_id=version.pk, answers=answers)


@pytest.mark.parametrize("begun", [False, True])
def test_overlapping_saves_of_the_same_answers_both_succeed(world, stage_1, begun):
    version, answers = stage_1
    student = world.a.student
    first = dict(list(answers.items())[:1])
    if begun:
        diagnostic_answers_save(student=student, stage=1, version_id=version.pk, answers=first)
    results = race(*[_save(student, version, answers) for _n in range(4)])
    assert all(isinstance(r, DiagnosticAttempt) for r in results), results
    assert DiagnosticAttempt.objects.filter(student=student, stage=1).count() == 1
    assert DiagnosticAnswer.objects.filter(attempt__student=student).count() == len(answers)


def test_a_double_completion_scores_once(world, stage_1):
    version, answers = stage_1
    student = world.a.student
    diagnostic_answers_save(student=student, stage=1, version_id=version.pk, answers=answers)
    results = race(*[lambda: diagnostic_attempt_complete(student=student, stage=1) for _n in range(2)])
    assert sorted(type(r).__name__ for r in results) == ["DiagnosticError", "DiagnosticResult"], results
    refusal = next(r for r in results if isinstance(r, DiagnosticError))
    assert str(refusal) == "Вы уже прошли этот этап."
    assert DiagnosticResult.objects.filter(student=student, stage=1).count() == 1

"""The online diagnostics (seed 000 §2.10–2.11): answering a stage, scoring it, and the versions of the bank.

A student answers page by page; every answer is saved at once, so the stage can be left and resumed. Completing a
stage scores the answers with the version the student began on and records a `DiagnosticResult` holding that
version, the scores and the text: a later version never changes a result already given.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    DiagnosticAnswer,
    DiagnosticAttempt,
    DiagnosticBand,
    DiagnosticInstrument,
    DiagnosticOption,
    DiagnosticQuestion,
    DiagnosticResult,
    DiagnosticScale,
    DiagnosticVersion,
    Student,
)


class DiagnosticError(Exception):
    """A refusal in the diagnostics; the message is a Russian sentence for the user."""


# --- scoring ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleScore:
    code: str
    name: str
    score: int
    band: str
    text: str


@dataclass(frozen=True)
class Scoring:
    scales: list[ScaleScore]
    spheres: list[str]

    @property
    def text(self) -> str:
        """The text result (SPEC §1): each scale's level and its band's text, then the spheres to start with."""
        paragraphs = [f"{s.name}: {s.band}. {s.text}".strip() for s in self.scales if s.band]
        if self.spheres:
            paragraphs.append(_("Professional spheres to start with: %(spheres)s.") % {"spheres": ", ".join(self.spheres)})
        return "\n\n".join(paragraphs)


def diagnostic_score(*, version: DiagnosticVersion, chosen: Mapping[int, DiagnosticOption]) -> Scoring:
    """Score the chosen options (question id → option) with the version's scales.

    A «sum» scale adds the weights the chosen options carry for it; a «percent_correct» scale is the share of the
    version's knowledge questions (those with a correct option) answered correctly, rounded to a whole percent.
    The spheres are those of the leading sphere scales: the highest score above zero, ties kept."""
    scales = list(version.scales.prefetch_related("bands"))
    knowledge = set(
        DiagnosticOption.objects.filter(question__version=version, is_correct=True).values_list("question_id", flat=True)
    )
    results = []
    for scale in scales:
        if scale.kind == DiagnosticScale.Kind.PERCENT_CORRECT:
            correct = sum(1 for q in knowledge if q in chosen and chosen[q].is_correct)
            score = round(100 * correct / len(knowledge)) if knowledge else 0
        else:
            score = sum(int(option.weights.get(scale.code, 0)) for option in chosen.values())
        band = _band_of(scale, score)
        results.append(ScaleScore(scale.code, scale.name, score, band.label if band else "", band.text if band else ""))
    sphere_scores = [(scale, r.score) for scale, r in zip(scales, results) if scale.sphere_list]
    top = max((score for _scale, score in sphere_scores), default=0)
    spheres: list[str] = []
    if top > 0:
        for scale, score in sphere_scores:
            if score == top:
                spheres += [s for s in scale.sphere_list if s not in spheres]
    return Scoring(results, spheres)


def _band_of(scale: DiagnosticScale, score: int) -> DiagnosticBand | None:
    return next((b for b in scale.bands.all() if b.min_score <= score <= b.max_score), None)


# --- answering a stage --------------------------------------------------------------------------------------------


def _refuse_if_completed(*, student: Student, stage: int) -> None:
    if DiagnosticResult.objects.filter(student=student, stage=stage).exists():
        raise DiagnosticError(_("You have already completed this stage."))


@transaction.atomic
def diagnostic_answers_save(
    *, student: Student, stage: int, version_id: int, answers: Mapping[int, int]
) -> DiagnosticAttempt:
    """Save the student's answers (question id → option id) of one stage, beginning the stage if need be.

    `version_id` is the version the page showed: if the stage was begun on another one, or the bank was republished
    between the page and the answer, the answers would land on questions the student never saw — refuse instead."""
    _refuse_if_completed(student=student, stage=stage)
    # htmx posts the page's answers on every choice, so two saves of one attempt may overlap: get_or_create and
    # update_or_create fall back to reading the row when the unique constraint stops their insert, so both succeed
    # (test_diagnostics_concurrency) without a lock.
    attempt = DiagnosticAttempt.objects.filter(student=student, stage=stage).first()
    if attempt is None:
        version = DiagnosticVersion.objects.filter(
            instrument__stage=stage, status=DiagnosticVersion.Status.PUBLISHED
        ).first()
        if version is None:
            raise DiagnosticError(_("This stage is not available yet."))
        if version.pk != version_id:
            raise DiagnosticError(_("The test has been updated. Please answer the questions on this page again."))
        # Two tabs beginning the same stage at once: the unique (student, stage) lets one row through.
        attempt, _created = DiagnosticAttempt.objects.get_or_create(
            student=student, stage=stage, defaults={"version": version}
        )
    if attempt.completed_at is not None:
        raise DiagnosticError(_("You have already completed this stage."))
    if attempt.version_id != version_id:
        raise DiagnosticError(_("The test has been updated. Please answer the questions on this page again."))
    options = {
        o.pk: o for o in DiagnosticOption.objects.filter(pk__in=list(answers.values()), question__version_id=version_id)
    }
    for question_id, option_id in answers.items():
        option = options.get(option_id)
        if option is None or option.question_id != question_id:
            raise DiagnosticError(_("This answer does not belong to the question. Please choose again."))
    for question_id, option_id in answers.items():
        DiagnosticAnswer.objects.update_or_create(
            attempt=attempt, question_id=question_id, defaults={"option_id": option_id}
        )
    return attempt


@transaction.atomic
def diagnostic_attempt_complete(*, student: Student, stage: int) -> DiagnosticResult:
    """Score a stage whose every question is answered and record its result."""
    _refuse_if_completed(student=student, stage=stage)
    # The row lock makes a double click (or two tabs) score the stage once.
    attempt = DiagnosticAttempt.objects.select_for_update().filter(student=student, stage=stage).first()
    if attempt is None:
        raise DiagnosticError(_("Answer the questions of the stage first."))
    if attempt.completed_at is not None:  # completed by the request this one waited for
        raise DiagnosticError(_("You have already completed this stage."))
    answers = list(attempt.answers.select_related("option"))
    total = DiagnosticQuestion.objects.filter(version_id=attempt.version_id).count()
    if len(answers) < total:
        raise DiagnosticError(
            _("Answer every question to complete the stage: %(answered)d of %(total)d answered.")
            % {"answered": len(answers), "total": total}
        )
    scoring = diagnostic_score(version=attempt.version, chosen={a.question_id: a.option for a in answers})
    now = timezone.now()
    try:
        with transaction.atomic():
            result = DiagnosticResult.objects.create(
                student=student, stage=stage, completed_at=now, version_id=attempt.version_id,
                scores=[asdict(s) for s in scoring.scales], spheres=scoring.spheres, result=scoring.text,
            )
    except IntegrityError:
        raise DiagnosticError(_("You have already completed this stage.")) from None
    attempt.completed_at = now
    attempt.save(update_fields=["completed_at"])
    return result


# --- versions of the bank (operator staff, in the admin) -------------------------------------------------------------


@transaction.atomic
def diagnostic_version_copy(*, version: DiagnosticVersion) -> DiagnosticVersion:
    """A new draft with the version's scales, bands, questions and options: how a published version is edited."""
    instrument = DiagnosticInstrument.objects.select_for_update().get(pk=version.instrument_id)
    number = (instrument.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = DiagnosticVersion.objects.create(
        instrument=instrument, number=number, status=DiagnosticVersion.Status.DRAFT,
        note=_("Copy of version %(number)d") % {"number": version.number},
    )
    _copy_into(draft, version.scales.all(), "bands")
    _copy_into(draft, version.questions.all(), "options")
    return draft


def _copy_into(draft: DiagnosticVersion, rows, children: str) -> None:
    """Copy each row (a scale or a question) into the draft, with its `children` (the bands or the options)."""
    relation = getattr(rows.model, children).field  # the children's foreign key to the row
    for row in rows.prefetch_related(children):
        kids = list(getattr(row, children).all())
        row.pk, row.version = None, draft
        row.save()
        for kid in kids:
            kid.pk = None
            setattr(kid, relation.name, row)
        relation.model.objects.bulk_create(kids)


def diagnostic_version_problems(version: DiagnosticVersion) -> list[str]:
    """What keeps a draft from being published, as sentences; empty when it can be published."""
    problems = []
    scales = list(version.scales.prefetch_related("bands"))
    codes = {s.code for s in scales}
    questions = list(version.questions.prefetch_related("options"))
    if not questions:
        problems.append(_("The version has no questions."))
    if not scales:
        problems.append(_("The version has no scales."))
    for scale in scales:
        bands = sorted(scale.bands.all(), key=lambda b: b.min_score)
        if not bands:
            problems.append(_("Scale «%(scale)s» has no bands.") % {"scale": scale.name})
        for before, after in zip(bands, bands[1:]):
            if after.min_score <= before.max_score:
                problems.append(_("Bands of scale «%(scale)s» overlap.") % {"scale": scale.name})
    for question in questions:
        options = list(question.options.all())
        if len(options) < 2:
            problems.append(_("Question %(number)d has fewer than two answers.") % {"number": question.number})
        for option in options:
            weights = option.weights if isinstance(option.weights, dict) else None
            if weights is None or any(code not in codes or not isinstance(w, int) for code, w in weights.items()):
                problems.append(
                    _("An answer of question %(number)d has weights on unknown scales or weights that are not "
                      "whole numbers.") % {"number": question.number}
                )
    return problems


@transaction.atomic
def diagnostic_version_publish(*, version: DiagnosticVersion) -> DiagnosticVersion:
    """Make a draft the version students take; the one published before is archived (its results stay)."""
    instrument = DiagnosticInstrument.objects.select_for_update().get(pk=version.instrument_id)
    version = DiagnosticVersion.objects.get(pk=version.pk)
    if version.status != DiagnosticVersion.Status.DRAFT:
        raise DiagnosticError(_("Only a draft can be published."))
    problems = diagnostic_version_problems(version)
    if problems:
        raise DiagnosticError(" ".join(problems))
    instrument.versions.filter(status=DiagnosticVersion.Status.PUBLISHED).update(
        status=DiagnosticVersion.Status.ARCHIVED
    )
    version.status = DiagnosticVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    return version

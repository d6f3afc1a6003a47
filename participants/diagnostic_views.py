"""The online diagnostics (issue 14 §5): the hub of the three stages, a stage's pages, and the results.

A stage works with plain forms (one page per question group, answers saved on every button); with JavaScript each
answer is also saved in place as it is chosen (htmx posts the page's answers to `diagnostic_answer`).
"""

from urllib.parse import unquote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from bilet.lists import roles_required
from bilet.models import PersonalDataAccess
from bilet.roles import get_roles
from bilet.services import client_ip, personal_data_access_record

from .diagnostic_blocks import result_blocks
from .pd_log import personal_data_subject_link
from .models import DiagnosticResult, Student
from .selectors import (
    diagnostic_progress,
    diagnostic_result_student_get,
    diagnostic_results_of,
    diagnostic_stage_questions,
    diagnostic_students,
)
from .services.diagnostics import DiagnosticError, diagnostic_answers_save, diagnostic_attempt_complete

STAGES = DiagnosticResult.Stage.values


def _family(roles) -> bool:
    return roles.student_id is not None or roles.guardian_id is not None


def _taker(roles) -> bool:
    return roles.student_id is not None


@roles_required(_family)
def diagnostics_hub(request):
    """The student's three stages with their state; a guardian sees each child's (and reads the results)."""
    roles = get_roles(request.user)
    students = list(diagnostic_students(user=request.user))
    progress = diagnostic_progress(students=students)
    rows = [{"student": s, "stages": progress[s.pk], "is_me": s.pk == roles.student_id} for s in students]
    return render(request, "participants/diagnostics/hub.html", {"rows": rows})


def _own_student(request) -> Student:
    return Student.objects.get(pk=get_roles(request.user).student_id)


def _answers_from(post, questions) -> dict[int, int]:
    answers = {}
    for question in questions:
        value = post.get(f"q{question.pk}")
        if value and value.isdigit():
            answers[question.pk] = int(value)
    return answers


def _version_id(post) -> int | None:
    value = post.get("version", "")
    return int(value) if value.isdigit() else None


@roles_required(_taker)
def diagnostic_stage(request, stage: int):
    """A page of a stage's questions; its buttons save the answers and go back, forward, out, or complete the stage."""
    if stage not in STAGES:
        raise Http404
    student = _own_student(request)
    if DiagnosticResult.objects.filter(student=student, stage=stage).exists():
        return redirect("participants:diagnostic_results", pk=student.pk)
    found = diagnostic_stage_questions(student=student, stage=stage)
    if found is None or not found[1]:
        raise Http404
    version, questions, chosen = found
    pages = sorted({q.page for q in questions})
    page = _page_asked(request, pages, questions, chosen)
    error = None
    if request.method == "POST":
        answers = _answers_from(request.POST, questions)
        try:
            return _stage_saved(request, student, stage, answers, pages, page)
        except DiagnosticError as refusal:
            error = str(refusal)
            chosen.update(answers)
    index = pages.index(page)
    context = {
        "stage": stage,
        "version": version,
        "instrument": version.instrument,
        "questions": [{"question": q, "chosen": chosen.get(q.pk)} for q in questions if q.page == page],
        "page": page,
        "page_number": index + 1,
        "page_count": len(pages),
        "is_first": index == 0,
        "is_last": index == len(pages) - 1,
        "answered": len(chosen),
        "total": len(questions),
        "error": error,
    }
    return render(request, "participants/diagnostics/stage.html", context, status=400 if error else 200)


def _stage_saved(request, student, stage: int, answers: dict[int, int], pages: list[int], page: int):
    """Save the page's answers, then follow the button: the results, the hub, or the previous or next page."""
    action = request.POST.get("action", "next")
    if answers:
        diagnostic_answers_save(student=student, stage=stage, version_id=_version_id(request.POST), answers=answers)
    if action == "finish":
        diagnostic_attempt_complete(student=student, stage=stage)
        messages.success(request, gettext("Stage %(stage)d is completed. Here are your results.") % {"stage": stage})
        return redirect("participants:diagnostic_results", pk=student.pk)
    if action == "exit":
        messages.success(request, gettext("Your answers are saved. You can continue the stage at any time."))
        return redirect("participants:diagnostics_hub")
    index = pages.index(page)
    target = pages[max(index - 1, 0)] if action == "back" else pages[min(index + 1, len(pages) - 1)]
    return redirect(f"{reverse('participants:diagnostic_stage', args=[stage])}?page={target}")


def _page_asked(request, pages, questions, chosen) -> int:
    """The page in ?page=, else the first page with an unanswered question (where a student resumes)."""
    asked = request.GET.get("page", "")
    if asked.isdigit() and int(asked) in pages:
        return int(asked)
    unanswered = [q.page for q in questions if q.pk not in chosen]
    return min(unanswered) if unanswered else pages[-1]


@roles_required(_taker)
@require_POST
def diagnostic_answer(request, stage: int):
    """Save the answers of the page as they are chosen (htmx); the page's buttons save them without JavaScript."""
    if stage not in STAGES:
        raise Http404
    student = _own_student(request)
    found = diagnostic_stage_questions(student=student, stage=stage)
    if found is None:
        raise Http404
    _version, questions, chosen = found
    answers = _answers_from(request.POST, questions)
    try:
        if answers:
            diagnostic_answers_save(student=student, stage=stage, version_id=_version_id(request.POST), answers=answers)
    except DiagnosticError as refusal:
        return HttpResponse(f'<span class="refusal">{escape(str(refusal))}</span>')
    answered = len(chosen.keys() | answers.keys())
    text = gettext("Answers saved: %(answered)d of %(total)d.") % {"answered": answered, "total": len(questions)}
    return HttpResponse(escape(text))


@login_required
def diagnostic_results(request, pk: int):
    """A student's results of every completed stage, with the events they suggest.

    Read by the student, their guardians, their school's navigators and their region's coordinator; anyone else
    gets 404. A result describes a child: every view by someone other than the student is written to the
    personal-data log (152-ФЗ), once per page view."""
    try:
        student = diagnostic_result_student_get(user=request.user, pk=pk)
    except Student.DoesNotExist:
        raise Http404 from None
    results = list(diagnostic_results_of(student=student))
    is_me = get_roles(request.user).student_id == student.pk
    if not is_me:
        # As the log's other page views: the path says whose page; the scope names the child for the reader.
        access = personal_data_access_record(
            user=request.user,
            kind=PersonalDataAccess.Kind.VIEW,
            what=gettext("Online diagnostics results"),
            scope=f"{student.full_name}, {student.school.short_name} ({student.region.name})",
            query=unquote(request.get_full_path()),
            ip=client_ip(request),
        )
        personal_data_subject_link(access=access, student=student)
    spheres = []
    for result in results:
        spheres += [s for s in result.spheres if s not in spheres]
    context = {
        "student": student,
        "results": results,
        "is_me": is_me,
        "stages_total": len(STAGES),
        "blocks": result_blocks(user=request.user, student=student, spheres=spheres),
    }
    return render(request, "participants/diagnostics/results.html", context)

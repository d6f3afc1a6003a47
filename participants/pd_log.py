"""The personal-data log's link to the ONE student a page or file was about (`PersonalDataSubject`), so that the
guardian can read who viewed or exported their child's data. Pages of many students (lists, searches, exports) are
not linked: their rows name the students only through the query string, which a guardian's page cannot resolve into
children without re-running old searches against today's data."""

from functools import wraps

from bilet.models import PersonalDataAccess
from bilet.pd_log import personal_data_view_record

from .models import PersonalDataSubject, Student


def personal_data_subject_link(*, access: PersonalDataAccess | None, student: Student) -> None:
    if access is not None:
        PersonalDataSubject.objects.create(access=access, student=student)


def logs_student_data_view(what):
    """`bilet.pd_log.logs_personal_data_view` for a page of one student whose id is the URL's `pk`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            access = personal_data_view_record(request, response, what=what)
            if access is not None:
                PersonalDataSubject.objects.create(access=access, student_id=kwargs["pk"])
            return response

        return wrapped

    return decorator

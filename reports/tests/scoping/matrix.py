"""What the scoping matrix shares (issue 3 "Done means", SPEC §2): the roles, who plays each role, the strings that
identify a region's people and records on a page, and the records every section's world starts from."""

from venues.models import Booking, MentorDocument, Recommendation

ROLES = ["coordinator", "curator", "navigator", "venue_staff", "mentor", "guardian", "student"]


def user_of(world, side, role):
    w = getattr(world, side)
    if role == "curator":
        return world.curator.user
    return getattr(w, role).user


def with_recommendations(world):
    """Give each region an attended booking with a recommendation and a mentor document, so those pages exist."""
    for w in (world.a, world.b):
        Booking.objects.filter(pk=w.booking.pk).update(status=Booking.Status.ATTENDED)
        w.booking.refresh_from_db()
        w.recommendation = Recommendation.objects.create(
            booking=w.booking, mentor=w.mentor, competency=w.event.competency, text="Рекомендуем продолжить."
        )
        w.document = MentorDocument.objects.create(mentor=w.mentor, title="Диплом", file="mentor-documents/x.pdf")


def foreign_markers(w):
    """Strings that identify region w's people and records on a page."""
    return [
        w.region.name,
        w.school.short_name,
        w.other_school.short_name,
        w.student.last_name,
        w.other_student.last_name,
        w.venue.short_name,
        w.mentor.last_name,
        w.event.title,
        w.navigator.user.email,
    ]


def with_reports(world):
    """Give each region a ready campaign report (stand-in files), sent to the curator, and a monthly deadline."""
    from reports import services
    from reports.models import ReportDeadline

    from reports.tests.conftest import make_report

    for w in (world.a, world.b):
        w.report = make_report(world, "a" if w is world.a else "b")
        services.report_send(actor=w.coordinator.user, report=w.report)
        period = services.previous_month(w.report.created_at.date())
        ReportDeadline.objects.create(region=w.region, period=period, due_on=w.report.created_at.date())

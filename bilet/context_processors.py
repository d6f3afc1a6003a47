from .navigation import nav_for
from .roles import ROLE_LABELS, get_roles


def roles(request):
    user_roles = get_roles(getattr(request, "user", None))
    return {
        "roles": user_roles,
        "role_labels": [ROLE_LABELS[name] for name in user_roles.names],
        "nav_items": nav_for(user_roles, request.path) if user_roles else [],
        "notifications_unread": _unread_count(request),
    }


def _unread_count(request):
    """The unread count of the navigation bar: a callable, so a page that never shows it (an error page, an email)
    never queries; one indexed COUNT, kept on the request for any later read in the same page."""

    def count() -> int:
        cached = getattr(request, "_notifications_unread", None)
        if cached is None:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                cached = 0
            else:
                from .notifications import unread_count

                cached = unread_count(user=user)
            request._notifications_unread = cached
        return cached

    return count

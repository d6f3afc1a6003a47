from .navigation import nav_for
from .roles import ROLE_LABELS, get_roles


def roles(request):
    user_roles = get_roles(getattr(request, "user", None))
    return {
        "roles": user_roles,
        "role_labels": [ROLE_LABELS[name] for name in user_roles.names],
        "nav_items": nav_for(user_roles, request.path) if user_roles else [],
    }

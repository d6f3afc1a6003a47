"""Template helpers of the directory lists (see bilet/lists.py)."""

from django import template

register = template.Library()


@register.inclusion_tag("bilet/lists/sort_th.html", takes_context=True)
def sort_th(context, key: str, label: str, css_class: str = ""):
    """A column header that sorts the list by `key`; a second click reverses; `aria-sort` tells the current order."""
    request = context["request"]
    current = context["listing"].sort
    if current == key:
        aria_sort, next_sort = "ascending", f"-{key}"
    elif current == f"-{key}":
        aria_sort, next_sort = "descending", key
    else:
        aria_sort, next_sort = None, key
    params = request.GET.copy()
    params["sort"] = next_sort
    params.pop("page", None)
    return {
        "url": f"{request.path}?{params.urlencode()}",
        "label": label,
        "aria_sort": aria_sort,
        "css_class": css_class,
    }


@register.simple_tag(takes_context=True)
def list_url(context, **changes):
    """This list's URL with the current filters and `changes` applied (a value of None removes the parameter)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    query = params.urlencode()
    return f"{request.path}?{query}" if query else request.path

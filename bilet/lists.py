"""What every directory list shares: filters, search, a whitelist of sort keys, pagination, the total and HTMX partials.

A list page is a `DirectoryListView` subclass that names its selector (`get_queryset`), its `DirectoryFilterSet`, its
sort keys, its title and caption, and the template of its table's head and rows. An HTMX request (the filter form, a
sort header, a page link) receives only the results region; without JavaScript the same URL renders the whole page.
Filter state lives in the query string, so a page can be bookmarked, shared and reloaded.
"""

import copy
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from .ids import parse_id
from .roles import Roles, get_roles

SEARCH_MAX_LENGTH = 100
SEARCH_MAX_TERMS = 5
ALL_LABEL = _("all")


class DirectoryFilterSet(django_filters.FilterSet):
    """A FilterSet with the search box `q`: every word must occur (case-insensitively) in one of `search_fields`."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.search_fields:
            del self.filters["q"]

    @property
    def form(self):
        built = hasattr(self, "_form")
        form = super().form
        if not built:
            # "все" reads better than django-filter's dashes as the choice that filters nothing.
            for form_field in form.fields.values():
                if isinstance(form_field, forms.ModelChoiceField):
                    form_field.empty_label = ALL_LABEL
                elif isinstance(form_field, forms.ChoiceField):
                    choices = list(form_field.choices)
                    if choices and choices[0][0] == "":
                        form_field.choices = [("", ALL_LABEL), *choices[1:]]
        return form

    def search(self, queryset, name, value):
        for term in value.split()[:SEARCH_MAX_TERMS]:
            match = Q()
            for field_name in self.search_fields:
                match |= Q(**{f"{field_name}__icontains": term})
            queryset = queryset.filter(match)
        return queryset

    @property
    def user(self):
        return self.request.user if self.request is not None else None


def offer_choices(form, name: str, shown: QuerySet) -> None:
    """Let the select `name` offer only `shown` while it still validates against its full (scoped) queryset.

    Used to narrow a long list (a region's schools) to the municipality chosen in the same form, without making a
    bookmarked `?school=…` invalid. The value already chosen stays on offer so the user's input is never lost.
    """
    form_field = form.fields[name]
    chosen = parse_id(form.data.get(name)) if form.is_bound else None
    if chosen:
        shown = shown | form_field.queryset.filter(pk=chosen)
    proxy = copy.copy(form_field)
    proxy.queryset = shown.distinct()  # its setter writes the (shared) widget's choices


def chosen_pk(form, name: str) -> int | None:
    """The primary key chosen in `name` if it is a number (validation proper happens in the form)."""
    return parse_id(form.data.get(name)) if form.is_bound else None


def related_count(model, lookup: str, **conditions):
    """A correlated COUNT of the rows reached from the outer `model` row through the reverse relation `lookup`.

    `lookup` names reverse relations by their names on `model` ("students", "schools__navigators"), so a lower app
    counts a higher app's rows without importing it; `conditions` filter the counted (related) rows. The subquery
    starts from the counted table and meets the outer row through its own foreign key index, once per outer row:
    several counts on one list do not multiply each other, and the paginator's COUNT leaves them out.
    """
    path, related = [], model
    for name in lookup.split("__"):
        relation = related._meta.get_field(name)
        path.append(relation.field.name)  # the same relation, named from the related side
        related = relation.related_model
    outer = "__".join(reversed(path))
    counted = (
        related._default_manager.filter(**{outer: OuterRef("pk")}, **conditions)
        .order_by()
        .values(outer)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass
class Listing:
    """A filtered, searched and sorted queryset, with what the page needs to show the state it came from."""

    filterset: DirectoryFilterSet | None
    queryset: QuerySet
    sort: str
    sort_keys: dict
    problems: list[str] = field(default_factory=list)

    @property
    def form(self):
        return self.filterset.form if self.filterset is not None else None


def _ordering(sort: str, sort_keys: dict[str, tuple[str, ...]]) -> list[str]:
    key = sort.removeprefix("-")
    fields = list(sort_keys[key])
    if sort.startswith("-"):
        fields = [f[1:] if f.startswith("-") else f"-{f}" for f in fields]
    return fields + ["-pk" if sort.startswith("-") else "pk"]  # a total order keeps pages stable


def build_listing(
    request,
    queryset: QuerySet,
    *,
    filterset_class: type[DirectoryFilterSet] | None,
    sort_keys: dict[str, tuple[str, ...]],
    default_sort: str,
) -> Listing:
    """Apply the request's filters, search and sort to `queryset` (already scoped by a selector).

    An invalid filter value is not applied and becomes a message; the rest of the filters still apply and the form
    keeps what the user typed. An unknown sort key falls back to the default order, also with a message.
    """
    problems: list[str] = []
    filterset = None
    if filterset_class is not None:
        filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
        queryset = filterset.qs
        if filterset.is_bound and not filterset.is_valid():
            for name, errors in filterset.form.errors.items():
                label = filterset.form.fields[name].label if name in filterset.form.fields else name
                problems.append(
                    gettext("The filter «%(label)s» was not applied: %(error)s")
                    % {"label": label, "error": " ".join(errors)}
                )
    sort = request.GET.get("sort", "").strip() or default_sort
    if sort.removeprefix("-") not in sort_keys:
        problems.append(gettext("This list cannot be sorted that way; it is shown in the usual order."))
        sort = default_sort
    queryset = queryset.order_by(*_ordering(sort, sort_keys))
    return Listing(filterset=filterset, queryset=queryset, sort=sort, sort_keys=sort_keys, problems=problems)


def paginate(request, queryset: QuerySet) -> Page:
    """One page of `queryset` (`PAGINATE_BY` rows); a page number out of range or not a number gives the nearest page.

    The page's ids come first, then its rows: PostgreSQL computes a row's annotations (consent flags, counts) for every
    row an OFFSET skips, so page 50 of a region's 11,000 students took 260 ms in one query and takes 3 ms in two
    (benchmarks/RESULTS.md).
    """
    page = Paginator(queryset.values_list("pk", flat=True), settings.PAGINATE_BY).get_page(request.GET.get("page"))
    page.object_list = queryset.filter(pk__in=list(page.object_list))
    return page


def wants_partial(request) -> bool:
    """An HTMX request for the results only (a history restore after «back» needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


class DirectoryListView(LoginRequiredMixin, View, ABC):
    """A directory list page: roles allowed, a selector, filters, search, sort keys, pagination and an HTMX partial.

    Users whose roles do not include the list get 404, like anything outside their scope.
    """

    template_name = "bilet/lists/page.html"
    results_template_name = "bilet/lists/results.html"
    table_template: str = ""  # <thead> and <tbody> of the list's table
    rows_template: str | None = None  # what shows the rows instead of a table (a gallery's tiles)
    toolbar_template: str | None = None  # shown above the table when there are rows
    links_template: str | None = None  # under the heading, whatever the filters: what the reader may do next
    table_class: str = ""  # e.g. "stack-on-phone": a list with actions becomes cards on a phone
    title = ""
    intro = ""
    caption = ""
    filterset_class: type[DirectoryFilterSet] | None = None
    sort_keys: dict[str, tuple[str, ...]] = {}
    default_sort: str = ""

    @abstractmethod
    def allowed(self, roles: Roles) -> bool:
        """Whether a user with these roles has this list at all (others get 404)."""

    @abstractmethod
    def get_queryset(self) -> QuerySet:
        """The rows this user may see: a selector called with the user, plus annotations."""

    def decorate(self, rows: list) -> None:
        """Per-row values computed from annotations already fetched (no queries)."""

    def get_context_data(self, **context):
        return context

    def get_listing(self) -> Listing:
        return build_listing(
            self.request,
            self.get_queryset(),
            filterset_class=self.filterset_class,
            sort_keys=self.sort_keys,
            default_sort=self.default_sort,
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.allowed(get_roles(request.user)):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        listing = self.get_listing()
        page = paginate(request, listing.queryset)
        page.object_list = list(page.object_list)
        self.decorate(page.object_list)
        roles = get_roles(request.user)
        context = self.get_context_data(
            view=self, listing=listing, page_obj=page, form=listing.form,
            show_region=roles.operator or len(roles.region_ids) > 1,
        )
        template = self.results_template_name if wants_partial(request) else self.template_name
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response


def roles_required(allowed: Callable[[Roles], bool]):
    """A view for signed-in users whose roles pass `allowed`; anyone else signed in gets 404, like an outsider."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not allowed(get_roles(request.user)):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def region_roles(roles: Roles) -> bool:
    """Operator staff, curators and coordinators: the people who work with a region's directories."""
    return roles.operator or bool(roles.region_ids)

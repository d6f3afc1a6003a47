"""Photos and videos (issue 15 §5): the gallery of everything the user may see (/gallery/, where the coordinator also
adds the region's own files), an event's gallery (/manage/events/<id>/gallery/, where its venue staff and the
coordinator add files), and the files themselves.

Children are in these files, so they have no public address: every file and thumbnail is served here after the
reader's scope is checked (`venues.selectors.media`), and anything outside it answers 404. The gallery pages and each
original served are written to the personal-data log; a thumbnail is a part of the page that listed it.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from bilet.lists import DirectoryListView, paginate, roles_required, wants_partial
from bilet.models import PersonalDataAccess
from bilet.pd_log import logs_personal_data_view
from bilet.roles import get_roles
from bilet.services import client_ip, personal_data_access_record

from ..filters import MediaFilterSet
from ..forms import MediaUploadForm
from ..selectors.media import event_media_list, media_event_list, media_get, media_list, media_upload_region_list
from ..services.media import MediaError, media_delete, media_delete_refusal, media_upload, media_upload_refusal


def media_roles(roles) -> bool:
    """Who has a gallery at all: operator staff, the region's curators and coordinators, venue staff."""
    return roles.operator or bool(roles.region_ids or roles.venue_ids)


def _mark_deletable(user, files) -> None:
    for media in files:
        media.deletable = media_delete_refusal(actor=user, media=media) is None


def _apply(form, error: MediaError) -> None:
    field = error.field if error.field in form.fields else None
    for message in error.messages:
        form.add_error(field, message)


def _uploaded(request, created, to: str):
    """Back to the gallery with a message; an upload sent by htmx (with its progress bar) is told where to go."""
    messages.success(request, ngettext("%(count)s file is uploaded.", "%(count)s files are uploaded.", len(created))
                     % {"count": len(created)})
    return HttpResponseClientRedirect(to) if request.htmx else redirect(to)


def _refused_upload(request, form, action: str):
    """The form with why its files were refused, for an upload sent by htmx: it replaces the form on the page."""
    return render(request, "venues/media/upload_form.html", {"upload_form": form, "action": action}, status=400)


def _request_link(*, region_id, subject: str, text: str) -> str:
    """The curator's request form, filled in: a request for photos and videos is an ordinary request (§6.1)."""
    query = {"subject": subject, "text": text}
    if region_id is not None:
        query["region"] = region_id
    return f"{reverse('regions:request_create')}?{urlencode(query)}"


# --- the gallery of everything in the user's scope ------------------------------------------------------------------


@method_decorator(logs_personal_data_view(gettext_lazy("Photos and videos")), name="get")
class GalleryView(DirectoryListView):
    """Every file the user may see, newest first; the coordinator adds the region's own files here."""

    template_name = "venues/media/gallery.html"
    rows_template = "venues/media/gallery_tiles.html"
    title = gettext_lazy("Photos and videos")
    filterset_class = MediaFilterSet
    sort_keys = {"uploaded_at": ("uploaded_at",), "event": ("event__starts_at", "uploaded_at")}
    default_sort = "-uploaded_at"
    upload_form = None

    def allowed(self, roles):
        return media_roles(roles)

    def get_queryset(self):
        return media_list(user=self.request.user)

    def decorate(self, rows):
        _mark_deletable(self.request.user, rows)

    def get_context_data(self, **context):
        roles = get_roles(self.request.user)
        if roles.coordinator_region_ids:
            context["upload_form"] = self.upload_form or MediaUploadForm(regions=self._upload_regions())
        if roles.curator_region_ids:
            only = next(iter(roles.curator_region_ids)) if len(roles.curator_region_ids) == 1 else None
            context["request_link"] = _request_link(
                region_id=only, subject=_("Photos and videos of the region"),
                text=_("Please upload photos and videos of the project's events and of the region's work to the "
                       "portal's gallery: %(url)s")
                % {"url": self.request.build_absolute_uri(reverse("venues:gallery"))},
            )
        return context

    def _upload_regions(self):
        return media_upload_region_list(user=self.request.user)

    def post(self, request, *args, **kwargs):
        if not get_roles(request.user).coordinator_region_ids:
            raise Http404
        form = MediaUploadForm(request.POST, request.FILES, regions=self._upload_regions())
        if form.is_valid():
            try:
                created = media_upload(actor=request.user, region=form.cleaned_data["region"],
                                       files=form.cleaned_data["files"], caption=form.cleaned_data["caption"])
            except MediaError as error:
                _apply(form, error)
            else:
                return _uploaded(request, created, reverse("venues:gallery"))
        if request.htmx:
            return _refused_upload(request, form, reverse("venues:gallery"))
        self.upload_form = form
        response = self.get(request, *args, **kwargs)
        response.status_code = 400
        return response


gallery = GalleryView.as_view()


# --- an event's gallery ---------------------------------------------------------------------------------------------


@login_required
@logs_personal_data_view(gettext_lazy("Photos and videos of an event"))
def event_gallery(request, pk: int):
    """An event's files; its venue staff and the region's coordinator upload here (POST, multipart, no script)."""
    roles = get_roles(request.user)
    if not media_roles(roles):
        raise Http404
    event = get_object_or_404(media_event_list(user=request.user), pk=pk)
    refusal = media_upload_refusal(actor=request.user, event=event)
    may_upload = event.venue_id in roles.venue_ids or event.region_id in roles.coordinator_region_ids
    form = None
    if refusal is None:
        form = MediaUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form is None:
            messages.error(request, refusal)
            return redirect("venues:event_gallery", pk=event.pk)
        if form.is_valid():
            try:
                created = media_upload(actor=request.user, event=event, files=form.cleaned_data["files"],
                                       caption=form.cleaned_data["caption"])
            except MediaError as error:
                _apply(form, error)
            else:
                return _uploaded(request, created, reverse("venues:event_gallery", args=[event.pk]))
        if request.htmx:
            return _refused_upload(request, form, reverse("venues:event_gallery", args=[event.pk]))
    page = paginate(request, event_media_list(event=event))
    page.object_list = list(page.object_list)
    _mark_deletable(request.user, page.object_list)
    context = {"event": event, "page_obj": page, "upload_form": form,
               "refusal": refusal if may_upload else None}
    if event.region_id in roles.curator_region_ids:
        context["request_link"] = _request_link(
            region_id=event.region_id,
            subject=_("Photos and videos: %(event)s") % {"event": event.title},
            text=_("Please upload photos and videos of the event «%(event)s» (%(venue)s, %(date)s) to its gallery on "
                   "the portal: %(url)s") % {
                "event": event.title, "venue": event.venue.short_name,
                "date": date_format(localtime(event.starts_at), "j E Y"),
                "url": request.build_absolute_uri(reverse("venues:event_gallery", args=[event.pk]))},
        )
    status = 400 if form is not None and form.is_bound else 200
    template = "venues/media/event_gallery.html"
    response = render(request, f"{template}#results" if wants_partial(request) else template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- files ----------------------------------------------------------------------------------------------------------


def _get_media(request, pk: int):
    media = media_get(user=request.user, pk=pk)
    if media is None:
        raise Http404
    return media


def _serve(field, *, content_type: str, filename: str, as_attachment: bool) -> FileResponse:
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"  # a child's photo is never kept by a shared cache
    return response


@roles_required(media_roles)
@require_GET
def media_file(request, pk: int):
    """The file as uploaded (`?download=1`: saved rather than shown), logged as a download of personal data."""
    media = _get_media(request, pk)
    response = _serve(media.file, content_type=media.content_type, filename=media.original_name,
                      as_attachment=request.GET.get("download") == "1")
    personal_data_access_record(
        user=request.user, kind=PersonalDataAccess.Kind.DOWNLOAD,
        what=_("Photo or video «%(name)s»") % {"name": media.original_name}, scope=media.region.name,
        query=request.get_full_path(), row_count=1, ip=client_ip(request),
    )
    return response


@roles_required(media_roles)
@require_GET
def media_thumbnail(request, pk: int):
    media = _get_media(request, pk)
    if not media.thumbnail:
        raise Http404
    return _serve(media.thumbnail, content_type="image/jpeg", filename="thumbnail.jpg", as_attachment=False)


@roles_required(media_roles)
@require_POST
def media_delete_view(request, pk: int):
    media = _get_media(request, pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("venues:event_gallery", args=[media.event_id]) if media.event_id else reverse("venues:gallery")
    try:
        media_delete(actor=request.user, media=media)
    except MediaError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("«%(name)s» is deleted.") % {"name": media.original_name})
    return redirect(back)

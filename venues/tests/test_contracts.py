"""Campaign assignment and venues' contracts (issue 15 §3): the submission rule, the coordinator's services and pages,
documents checked by their content, flags of contracts ending soon."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from venues.models import Event, VenueCampaign, VenueContractDocument
from venues.services.contracts import (
    ContractError,
    venue_campaign_assign,
    venue_contract_document_add,
    venue_contract_update,
)
from venues.services.events import event_submit
from venues.tests.factories import VenueFactory
from venues.tests.test_events_services import draft, refused

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _contract(world):
    return VenueCampaign.objects.get(venue=world.a.venue, campaign=world.campaign)


def _png(size=(4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


# --- the submission rule (seed 000 §5.4) -------------------------------------------------------------------------


def test_submit_with_a_signed_current_contract(world):
    event = event_submit(actor=world.a.venue_staff.user, event=draft(world))
    assert event.status == Event.Status.SUBMITTED


def test_submit_refused_when_the_contract_has_expired(world):
    event = draft(world)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    VenueCampaign.objects.filter(pk=_contract(world).pk).update(
        contract_valid_from=yesterday - dt.timedelta(days=300), contract_valid_until=yesterday)
    refused(lambda: event_submit(actor=world.a.venue_staff.user, event=event),
            f"Договор площадки по кампании «Кампания 2026» истёк {yesterday:%d.%m.%Y}; отправлять мероприятия можно "
            "после подписания нового.")
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_submit_refused_when_the_contract_is_marked_expired(world):
    event = draft(world)
    until = _contract(world).contract_valid_until
    VenueCampaign.objects.filter(pk=_contract(world).pk).update(contract_status="expired")
    refused(lambda: event_submit(actor=world.a.venue_staff.user, event=event),
            f"Договор площадки по кампании «Кампания 2026» истёк {until:%d.%m.%Y}; отправлять мероприятия можно "
            "после подписания нового.")


def test_submit_refused_before_the_contract_comes_into_force(world):
    event = draft(world)
    start = timezone.localdate() + dt.timedelta(days=3)
    VenueCampaign.objects.filter(pk=_contract(world).pk).update(contract_valid_from=start)
    refused(lambda: event_submit(actor=world.a.venue_staff.user, event=event),
            f"Договор площадки по кампании «Кампания 2026» вступает в силу {start:%d.%m.%Y}; отправлять мероприятия "
            "можно с этого дня.")


def test_submit_refused_for_a_draft_contract(world):
    event = draft(world)
    VenueCampaign.objects.filter(pk=_contract(world).pk).update(contract_status="draft", contract_signed_on=None)
    refused(lambda: event_submit(actor=world.a.venue_staff.user, event=event),
            "Договор площадки по кампании «Кампания 2026» не подписан (проект); отправлять мероприятия можно после "
            "подписания.")


# --- assignment ---------------------------------------------------------------------------------------------------


def test_coordinator_assigns_and_takes_back(world):
    venue = VenueFactory(municipality=world.a.municipality)
    assignment = venue_campaign_assign(actor=world.a.coordinator.user, venue=venue, campaign=world.campaign,
                                       assigned=True)
    assert assignment.contract_status == VenueCampaign.ContractStatus.DRAFT
    assert assignment.assigned_by == world.a.coordinator.user
    assert venue_campaign_assign(actor=world.a.coordinator.user, venue=venue, campaign=world.campaign,
                                 assigned=True) == assignment
    venue_campaign_assign(actor=world.a.coordinator.user, venue=venue, campaign=world.campaign, assigned=False)
    assert not VenueCampaign.objects.filter(venue=venue).exists()


def test_take_back_refused_when_events_were_submitted(world):
    event_submit(actor=world.a.venue_staff.user, event=draft(world))
    with pytest.raises(ContractError) as info:
        venue_campaign_assign(actor=world.a.coordinator.user, venue=world.a.venue, campaign=world.campaign,
                              assigned=False)
    assert info.value.message == ("Площадка уже отправляла мероприятия кампании «Кампания 2026»; снять назначение "
                                  "нельзя.")


@pytest.mark.parametrize("who", ["b_coordinator", "curator", "venue_staff"])
def test_only_the_regions_coordinator_assigns(world, who):
    actor = {"b_coordinator": world.b.coordinator.user, "curator": world.curator.user,
             "venue_staff": world.a.venue_staff.user}[who]
    with pytest.raises(ContractError) as info:
        venue_campaign_assign(actor=actor, venue=world.a.venue, campaign=world.campaign, assigned=False)
    assert info.value.message == "Это может сделать только координатор региона площадки."


# --- the contract ----------------------------------------------------------------------------------------------


def test_contract_update_happy_path(world):
    today = timezone.localdate()
    contract = venue_contract_update(
        actor=world.a.coordinator.user, assignment=_contract(world), contract_number="БВБ-1",
        contract_status="signed", contract_signed_on=today, contract_valid_from=today,
        contract_valid_until=today + dt.timedelta(days=200))
    contract.refresh_from_db()
    assert contract.contract_number == "БВБ-1"


@pytest.mark.parametrize("changes, message", [
    ({"contract_number": " "}, "Укажите номер подписанного договора."),
    ({"contract_signed_on": None}, "Укажите дату подписания договора."),
    ({"contract_valid_until": None}, "Укажите последний день действия договора."),
    ({"contract_valid_from": dt.date(2030, 1, 2), "contract_valid_until": dt.date(2030, 1, 1)},
     "Договор не может закончиться раньше, чем вступит в силу."),
    ({"contract_signed_on": dt.date(2099, 1, 1)}, "Договор не может быть подписан в будущем."),
])
def test_contract_update_refusals(world, changes, message):
    with pytest.raises(ContractError) as info:
        venue_contract_update(actor=world.a.coordinator.user, assignment=_contract(world), contract_status="signed",
                              **changes)
    assert info.value.message == message


# --- documents checked by content ------------------------------------------------------------------------------


@pytest.mark.parametrize("name, content", [("contract.pdf", PDF), ("contract.docx", None), ("scan.png", None)])
def test_documents_accepted(world, name, content, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = content or (_docx() if name.endswith(".docx") else _png())
    document = venue_contract_document_add(actor=world.a.coordinator.user, assignment=_contract(world), title="",
                                           file=SimpleUploadedFile(name, content))
    assert document.title == name


def _bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")  # 400 megapixels, a few KB on disk
    return buffer.getvalue()


@pytest.mark.parametrize("name, make, message", [
    ("contract.pdf", lambda: b"MZ\x90\x00" + b"\x00" * 100,
     "Документ договора должен быть файлом PDF, DOCX, JPEG или PNG; этот файл — что-то другое."),
    ("contract.pdf", lambda: PDF + b"\x00" * (10 * 1024 * 1024),
     "Файл больше 10 МБ: приложите скан поменьше или PDF."),
    ("scan.png", lambda: _png()[:40], "«scan.png» — повреждённое изображение (обрезано или испорчено), его не открыть; "
                                      "сохраните его заново и загрузите новый файл."),
    ("scan.png", _bomb, "В «scan.png» больше 60 мегапикселей: такое изображение может оказаться «бомбой распаковки», "
                        "его не принять. Уменьшите его и загрузите снова."),
    ("book.docx", lambda: b"PK\x03\x04" + b"\x00" * 50,
     "Документ договора должен быть файлом PDF, DOCX, JPEG или PNG; этот файл — что-то другое."),
])
def test_documents_refused(world, name, make, message, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ContractError) as info:
        venue_contract_document_add(actor=world.a.coordinator.user, assignment=_contract(world), title="x",
                                    file=SimpleUploadedFile(name, make()))
    assert info.value.message == message
    assert not VenueContractDocument.objects.exists()


# --- pages -----------------------------------------------------------------------------------------------------


def test_contract_list_for_the_coordinator_flags_expiring(client, world, django_assert_max_num_queries):
    VenueCampaign.objects.filter(venue=world.a.other_venue).update(
        contract_valid_until=timezone.localdate() + dt.timedelta(days=10))
    client.force_login(world.a.coordinator.user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("venues:contract_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert world.a.venue.short_name in html and world.a.other_venue.short_name in html
    assert world.b.venue.short_name not in html
    assert "истекает" in html
    home = client.get(reverse("home")).content.decode()
    assert "Договоры, которые скоро закончатся или закончились" in home


def test_coordinator_assigns_from_the_page(client, world):
    venue = VenueFactory(municipality=world.a.municipality, short_name="Новый колледж")
    client.force_login(world.a.coordinator.user)
    response = client.post(reverse("venues:contract_assign", args=[venue.pk]), {"assigned": "1"})
    assert response.status_code == 302
    assert VenueCampaign.objects.filter(venue=venue, campaign=world.campaign).exists()


def test_coordinator_edits_the_contract_and_attaches_a_document(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.a.coordinator.user)
    url = reverse("venues:contract_detail", args=[world.a.venue.pk])
    response = client.post(url, {"contract_number": "БВБ-9", "contract_status": "sent"})
    assert response.status_code == 302
    assert _contract(world).contract_status == "sent"
    response = client.post(reverse("venues:contract_document_upload", args=[world.a.venue.pk]),
                           {"title": "Скан", "file": SimpleUploadedFile("a.exe.pdf", b"MZ\x90\x00")})
    assert response.status_code == 400
    assert "этот файл — что-то другое" in response.content.decode()
    response = client.post(reverse("venues:contract_document_upload", args=[world.a.venue.pk]),
                           {"title": "Скан", "file": SimpleUploadedFile("c.pdf", PDF)})
    assert response.status_code == 302
    document = VenueContractDocument.objects.get()
    client.force_login(world.a.venue_staff.user)
    response = client.get(reverse("venues:contract_document", args=[document.pk]))
    assert b"".join(response.streaming_content) == PDF
    page = client.get(url)
    assert page.status_code == 200 and "БВБ-9" in page.content.decode()
    assert "contract_number" not in page.content.decode()  # venue staff read, do not edit
    for other in (world.b.coordinator.user, world.b.venue_staff.user, world.a.other_venue_staff.user):
        client.force_login(other)
        assert client.get(reverse("venues:contract_document", args=[document.pk])).status_code == 404
        assert client.get(url).status_code == 404


def test_curator_reads_but_does_not_change(client, world):
    client.force_login(world.curator.user)
    assert client.get(reverse("venues:contract_list")).status_code == 200
    url = reverse("venues:contract_detail", args=[world.a.venue.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"contract_number": "X", "contract_status": "sent"}).status_code == 404
    client.post(reverse("venues:contract_assign", args=[world.a.venue.pk]), {"assigned": "0"})
    assert VenueCampaign.objects.filter(venue=world.a.venue).exists()


@pytest.mark.parametrize("role", ["venue_staff", "mentor", "navigator", "guardian", "student"])
def test_contract_list_is_404_for_other_roles(client, world, role):
    client.force_login(getattr(world.a, role).user)
    assert client.get(reverse("venues:contract_list")).status_code == 404


def test_venue_staff_home_shows_the_contract_and_its_end(client, world):
    VenueCampaign.objects.filter(venue=world.a.venue).update(
        contract_valid_until=timezone.localdate() + dt.timedelta(days=5))
    client.force_login(world.a.venue_staff.user)
    html = client.get(reverse("home")).content.decode()
    assert "подписан" in html and "истекает" in html


def test_other_regions_venue_cannot_be_assigned(client, world):
    client.force_login(world.a.coordinator.user)
    response = client.post(reverse("venues:contract_assign", args=[world.b.venue.pk]), {"assigned": "0"})
    assert response.status_code == 404
    assert VenueCampaign.objects.filter(venue=world.b.venue).exists()

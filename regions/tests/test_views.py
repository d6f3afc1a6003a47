import pytest
from django.urls import reverse

from bilet.tests.directory import get_as as _get, listed as _rows, queries_of as _queries
from participants.tests.factories import NavigatorFactory, StudentFactory
from regions.tests.factories import MunicipalityFactory, RegionTargetFactory, SchoolFactory

MUNICIPALITIES = reverse("regions:municipality_list")
SCHOOLS = reverse("regions:school_list")


# --- municipalities ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_municipality_list_coordinator_sees_own_region_only(client, world):
    response = _get(client, world.a.coordinator.user, MUNICIPALITIES)
    assert response.status_code == 200
    assert set(_rows(response)) == {world.a.municipality.pk, world.a.other_municipality.pk}
    assert world.b.municipality.name not in response.content.decode()


@pytest.mark.django_db
def test_municipality_list_curator_sees_assigned_regions_only(client, world):
    response = _get(client, world.curator.user, MUNICIPALITIES)
    assert set(_rows(response)) == {world.a.municipality.pk, world.a.other_municipality.pk}


@pytest.mark.django_db
def test_municipality_list_operator_sees_all_with_region_column(client, world):
    response = _get(client, world.operator, MUNICIPALITIES)
    assert len(_rows(response)) == 4
    assert response.context["show_region"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["navigator", "guardian", "student", "venue_staff", "mentor"])
def test_municipality_pages_are_404_for_other_roles(client, world, who):
    user = getattr(world.a, who).user
    assert _get(client, user, MUNICIPALITIES).status_code == 404
    url = reverse("regions:municipality_detail", args=[world.a.municipality.pk])
    assert _get(client, user, url).status_code == 404


@pytest.mark.django_db
def test_municipality_list_anonymous_goes_to_login(client, world):
    response = client.get(MUNICIPALITIES)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_municipality_list_counts(client, world):
    StudentFactory(school=world.a.school)
    response = _get(client, world.a.coordinator.user, MUNICIPALITIES + "?sort=name")
    row = next(m for m in response.context["page_obj"] if m.pk == world.a.municipality.pk)
    # school: student, sibling (world) + one more; navigator of school; 1 school
    assert (row.schools_count, row.navigators_count, row.students_count) == (1, 1, 3)


@pytest.mark.django_db
def test_municipality_detail_scoping(client, world):
    own = reverse("regions:municipality_detail", args=[world.a.municipality.pk])
    other = reverse("regions:municipality_detail", args=[world.b.municipality.pk])
    response = _get(client, world.a.coordinator.user, own)
    assert response.status_code == 200
    body = response.content.decode()
    assert world.a.school.short_name in body and world.a.navigator.user.get_full_name() in body
    assert _get(client, world.a.coordinator.user, other).status_code == 404
    assert _get(client, world.curator.user, other).status_code == 404
    assert _get(client, world.operator, other).status_code == 200


@pytest.mark.django_db
def test_municipality_search_and_sort(client, world):
    response = _get(client, world.operator, MUNICIPALITIES + "?q=район&sort=-name")
    assert set(_rows(response)) == {world.a.other_municipality.pk, world.b.other_municipality.pk}
    names = [m.name for m in response.context["page_obj"]]
    assert names == sorted(names, reverse=True)
    assert 'aria-sort="descending"' in response.content.decode()


@pytest.mark.django_db
def test_municipality_region_filter_only_for_wide_scope(client, world):
    response = _get(client, world.a.coordinator.user, MUNICIPALITIES)
    assert "region" not in response.context["form"].fields
    response = _get(client, world.operator, MUNICIPALITIES + f"?region={world.b.region.pk}")
    assert set(_rows(response)) == {world.b.municipality.pk, world.b.other_municipality.pk}


@pytest.mark.django_db
def test_municipality_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.operator)
    with django_assert_max_num_queries(12):
        client.get(MUNICIPALITIES)
    before = _queries(client, MUNICIPALITIES)
    for _ in range(5):
        school = SchoolFactory(municipality=MunicipalityFactory(region=world.a.region))
        NavigatorFactory(school=school)
        StudentFactory(school=school)
    assert _queries(client, MUNICIPALITIES) == before


# --- schools ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_school_list_coordinator_and_curator_see_region_a(client, world):
    expected = {world.a.school.pk, world.a.other_school.pk}
    assert set(_rows(_get(client, world.a.coordinator.user, SCHOOLS))) == expected
    assert set(_rows(_get(client, world.curator.user, SCHOOLS))) == expected
    assert len(_rows(_get(client, world.operator, SCHOOLS))) == 4


@pytest.mark.django_db
def test_school_list_navigator_sees_own_school(client, world):
    assert _rows(_get(client, world.a.navigator.user, SCHOOLS)) == [world.a.school.pk]
    own = reverse("regions:school_detail", args=[world.a.school.pk])
    other = reverse("regions:school_detail", args=[world.a.other_school.pk])
    assert _get(client, world.a.navigator.user, own).status_code == 200
    assert _get(client, world.a.navigator.user, other).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["guardian", "student", "venue_staff", "mentor"])
def test_school_pages_are_404_for_families_and_venues(client, world, who):
    user = getattr(world.a, who).user
    assert _get(client, user, SCHOOLS).status_code == 404
    assert _get(client, user, reverse("regions:school_detail", args=[world.a.school.pk])).status_code == 404


@pytest.mark.django_db
def test_school_detail_of_another_region_is_404(client, world):
    url = reverse("regions:school_detail", args=[world.b.school.pk])
    assert _get(client, world.a.coordinator.user, url).status_code == 404
    assert _get(client, world.curator.user, url).status_code == 404
    response = _get(client, world.operator, url)
    assert response.status_code == 200
    assert world.b.navigator.user.get_full_name() in response.content.decode()


@pytest.mark.django_db
def test_school_filter_by_municipality(client, world):
    response = _get(client, world.a.coordinator.user, SCHOOLS + f"?municipality={world.a.other_municipality.pk}")
    assert _rows(response) == [world.a.other_school.pk]


@pytest.mark.django_db
def test_school_filter_offers_only_own_municipalities_and_refuses_others(client, world):
    response = _get(client, world.a.coordinator.user, SCHOOLS + f"?municipality={world.b.municipality.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Фильтр «Муниципалитет» не применён" in body
    assert world.b.municipality.name not in body  # neither as an option nor echoed back
    assert world.b.school.short_name not in body
    offered = {m.pk for m in response.context["form"].fields["municipality"].queryset}
    assert offered == {world.a.municipality.pk, world.a.other_municipality.pk}


@pytest.mark.django_db
def test_school_quota_against_region_target(client, world):
    RegionTargetFactory(campaign=world.campaign, region=world.a.region, students_per_navigator=2)
    response = _get(client, world.a.coordinator.user, SCHOOLS)
    by_pk = {s.pk: s for s in response.context["page_obj"]}
    school = by_pk[world.a.school.pk]  # 2 students, 1 navigator, target 2
    assert (school.students_count, school.navigators_count, school.target) == (2, 1, 2)
    assert school.quota == {"per_navigator": 2.0, "met": True}
    other = by_pk[world.a.other_school.pk]  # 1 student, 1 navigator
    assert other.quota == {"per_navigator": 1.0, "met": False}
    body = response.content.decode()
    assert "2 на навигатора, цель 2" in body


@pytest.mark.django_db
def test_school_quota_defaults_to_70_and_flags_no_navigator(client, world):
    lonely = SchoolFactory(municipality=world.a.municipality, short_name="Школа без навигатора")
    response = _get(client, world.a.coordinator.user, SCHOOLS)
    by_pk = {s.pk: s for s in response.context["page_obj"]}
    assert by_pk[world.a.school.pk].target == 70
    assert by_pk[lonely.pk].quota == {"per_navigator": None, "met": False}
    assert "нет навигатора" in response.content.decode()


@pytest.mark.django_db
def test_school_sort_by_students_and_unknown_sort(client, world):
    StudentFactory(school=world.a.other_school)
    StudentFactory(school=world.a.other_school)
    response = _get(client, world.a.coordinator.user, SCHOOLS + "?sort=-students")
    assert _rows(response) == [world.a.other_school.pk, world.a.school.pk]
    response = _get(client, world.a.coordinator.user, SCHOOLS + "?sort=password")
    assert response.status_code == 200
    assert "Такой сортировки нет" in response.content.decode()
    assert response.context["listing"].sort == "name"


@pytest.mark.django_db
def test_school_pagination_keeps_filters(client, world, settings):
    settings.PAGINATE_BY = 2
    for n in range(3):
        SchoolFactory(municipality=world.a.municipality, short_name=f"Лицей {n}")
    url = SCHOOLS + f"?municipality={world.a.municipality.pk}&sort=name"
    response = _get(client, world.a.coordinator.user, url)
    assert response.context["page_obj"].paginator.count == 4
    body = response.content.decode()
    assert "Найдено: 4" in body
    assert f"?municipality={world.a.municipality.pk}&amp;sort=name&amp;page=2" in body
    response = client.get(url + "&page=2")
    assert len(_rows(response)) == 2
    assert client.get(url + "&page=999").context["page_obj"].number == 2
    assert client.get(url + "&page=abc").context["page_obj"].number == 1


@pytest.mark.django_db
def test_school_list_htmx_gets_the_results_partial(client, world):
    response = _get(client, world.a.coordinator.user, SCHOOLS, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="filter-form"' not in body
    assert body.lstrip().startswith('<input type="hidden" name="sort"') or 'id="results"' in body
    assert world.a.school.short_name in body
    assert "HX-Request" in response["Vary"]
    full = client.get(SCHOOLS)
    assert "<html" in full.content.decode() and 'hx-get="/schools/"' in full.content.decode()


@pytest.mark.django_db
def test_school_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.a.coordinator.user)
    with django_assert_max_num_queries(12):
        client.get(SCHOOLS)
    before = _queries(client, SCHOOLS)
    for _ in range(5):
        school = SchoolFactory(municipality=world.a.municipality)
        NavigatorFactory(school=school)
        StudentFactory(school=school)
    assert _queries(client, SCHOOLS) == before


@pytest.mark.django_db
def test_school_detail_shows_navigators_and_grades(client, world):
    StudentFactory(school=world.a.school, grade=10)
    response = _get(client, world.a.coordinator.user, reverse("regions:school_detail", args=[world.a.school.pk]))
    assert [(row["grade"], row["count"]) for row in response.context["grades"]] == [(8, 2), (10, 1)]
    assert [n.pk for n in response.context["navigators"]] == [world.a.navigator.pk]


@pytest.mark.django_db
def test_operator_picks_a_region_before_municipalities_and_schools_are_offered(client, world):
    client.force_login(world.operator)
    form = client.get(SCHOOLS).context["form"]
    assert list(form.fields["municipality"].widget.choices)[1:] == []
    assert "Выберите регион" in str(form.fields["municipality"].help_text)
    form = client.get(SCHOOLS + f"?region={world.b.region.pk}").context["form"]
    offered = {choice[0].value for choice in list(form.fields["municipality"].widget.choices)[1:]}
    assert offered == {world.b.municipality.pk, world.b.other_municipality.pk}
    # a bookmarked municipality without its region still validates, is applied, and stays selected
    response = client.get(SCHOOLS + f"?municipality={world.b.municipality.pk}")
    assert _rows(response) == [world.b.school.pk]
    offered = {choice[0].value for choice in list(response.context["form"].fields["municipality"].widget.choices)[1:]}
    assert offered == {world.b.municipality.pk}


@pytest.mark.django_db
def test_curator_of_two_regions_gets_the_region_filter(client, world):
    world.curator.regions.add(world.b.region)
    client.force_login(world.curator.user)
    response = client.get(MUNICIPALITIES + f"?region={world.b.region.pk}")
    assert "region" in response.context["form"].fields
    assert set(_rows(response)) == {world.b.municipality.pk, world.b.other_municipality.pk}


@pytest.mark.django_db
def test_detail_pages_query_counts_do_not_grow(client, world):
    client.force_login(world.a.coordinator.user)
    municipality = reverse("regions:municipality_detail", args=[world.a.municipality.pk])
    school = reverse("regions:school_detail", args=[world.a.school.pk])
    before = (_queries(client, municipality), _queries(client, school))
    for grade in (6, 7, 9):
        extra = SchoolFactory(municipality=world.a.municipality)
        NavigatorFactory(school=extra)
        NavigatorFactory(school=world.a.school)
        StudentFactory(school=world.a.school, grade=grade)
    assert (_queries(client, municipality), _queries(client, school)) == before

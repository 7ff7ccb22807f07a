"""The refugee form's city chooser lists the chosen region's cities (htmx reloads it when
the region changes), and a city outside the region is refused by the form."""

import re

import pytest
from django.urls import reverse

from core.models import City
from refugees.models import Refugee

pytestmark = pytest.mark.django_db
CREATE = reverse("refugees:create")


def _city_options(body: str) -> set[str]:
    select = re.search(r'<select name="city".*?</select>', body, re.S).group(0)
    return set(re.findall(r'<option value="(\d+)"', select))


def test_the_region_reloads_its_cities(client_for, caseworker):
    client = client_for(caseworker)
    body = client.get(CREATE).content.decode()
    region_select = re.search(r'<select name="region".*?>', body, re.S).group(0)
    assert 'hx-get="."' in region_select and 'hx-select="#div_id_city"' in region_select
    oujda = City.objects.get(slug="oujda")
    body = client.get(CREATE, {"region": oujda.region_id}, HTTP_HX_REQUEST="true").content.decode()
    offered = _city_options(body)
    assert str(oujda.pk) in offered
    assert offered == {str(pk) for pk in City.objects.filter(region_id=oujda.region_id).values_list("pk", flat=True)}
    assert str(City.objects.get(slug="rabat").pk) not in offered


def test_a_city_outside_the_region_is_refused(client_for, caseworker, valid_post):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    oujda, rabat = City.objects.get(slug="oujda"), City.objects.get(slug="rabat")
    response = client.post(CREATE, {**valid_post, "region": oujda.region_id, "city": rabat.pk})
    assert response.status_code == 200
    assert "This city is not in the selected region." in response.content.decode()
    assert not Refugee.objects.exists()

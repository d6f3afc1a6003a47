"""`manage.py build_report` (SPEC §6): one JSON object with every figure of SPEC §4, the files written, clear errors."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .conftest import CAMPAIGN, CAMPAIGN_PERIOD, NOVEMBER, NOVEMBER_PERIOD


def build(*args, out):
    stdout = io.StringIO()
    call_command("build_report", *args, "--out", str(out), stdout=stdout)
    lines = stdout.getvalue().strip().splitlines()
    assert len(lines) == 1  # one JSON object, nothing else on stdout
    return json.loads(lines[0])


def test_monthly(known, tmp_path):
    result = build("monthly", "--region", "71", "--period", "2026-11", "--campaign", str(known.campaign.pk),
                   out=tmp_path)
    assert {k: result[k] for k in ("type", "region", "period", "campaign")} == {
        "type": "monthly", "region": "71", "period": "2026-11", "campaign": known.campaign.pk,
    }
    assert result["figures"] == NOVEMBER
    assert result["period_figures"] == NOVEMBER_PERIOD
    assert [Path(f).name for f in result["files"]] == ["monthly-71-2026-11.pdf", "monthly-71-2026-11.xlsx"]
    assert all(Path(f).stat().st_size > 1000 for f in result["files"])


def test_campaign_defaults_to_the_current_campaign(known, tmp_path):
    result = build("campaign", "--region", "71", out=tmp_path)
    assert (result["campaign"], result["period"]) == (known.campaign.pk, None)
    assert result["figures"] == CAMPAIGN
    assert result["period_figures"] == CAMPAIGN_PERIOD


def test_national_prints_every_region_by_code(known, tmp_path):
    result = build("national", "--period", "2026-11", out=tmp_path)
    assert set(result["figures"]) == {"71", "67"}
    assert result["figures"]["71"] == NOVEMBER
    assert result["period_figures"]["71"] == NOVEMBER_PERIOD
    assert len(result["files"]) == 2


def test_national_of_some_regions_keeps_the_json_of_the_contract(known, tmp_path):
    """`--regions` (a curator's regions) narrows the summary; the JSON has the same keys and each region's figures."""
    every = build("national", "--period", "2026-11", out=tmp_path / "every")
    some = build("national", "--period", "2026-11", "--regions", "71", out=tmp_path / "some")
    assert set(some) == set(every) == {"type", "region", "period", "campaign", "files", "figures", "period_figures"}
    assert (some["type"], some["region"], some["period"]) == ("national", None, "2026-11")
    assert some["figures"] == {"71": NOVEMBER} and some["period_figures"] == {"71": NOVEMBER_PERIOD}
    assert some["figures"]["71"] == every["figures"]["71"]
    assert all(Path(path).exists() for path in some["files"])


def test_monitoring_of_a_region_and_of_all(known, tmp_path):
    assert build("monitoring", "--region", "71", out=tmp_path)["figures"] == CAMPAIGN
    assert build("monitoring", out=tmp_path)["figures"]["71"] == CAMPAIGN


@pytest.mark.parametrize("args, message", [
    (["weekly"], "weekly"),
    (["monthly", "--region", "71"], "YYYY-MM"),
    (["monthly", "--period", "2026-11"], "регион"),
    (["campaign"], "регион"),
    (["campaign", "--region", "99"], "99"),
    (["monthly", "--region", "71", "--period", "ноябрь"], "YYYY-MM"),
    (["national", "--campaign", "9999"], "9999"),
    (["national", "--regions", "71,99"], "99"),
    (["campaign", "--region", "71", "--regions", "71"], "Только сводка по регионам"),
])
def test_errors_are_command_errors_with_a_clear_message(known, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("build_report", *args, "--out", str(tmp_path), stdout=io.StringIO())


def test_no_current_campaign(world, tmp_path):
    world.campaign.is_active = False
    world.campaign.save()
    with pytest.raises(CommandError, match="--campaign"):
        call_command("build_report", "national", "--out", str(tmp_path), stdout=io.StringIO())

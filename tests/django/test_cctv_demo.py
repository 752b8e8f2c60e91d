"""The demo's CCTV estate: every part of the current quarter's paper has something in it."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from csphub.casework.demo import seed_casework
from csphub.casework.models import CaseType
from csphub.cctv import report, rules
from csphub.cctv.demo import seed_cctv
from csphub.cctv.models import Camera, Review

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


def lsoas():
    out = []
    for i in range(60):
        x, y = (i % 10) * 0.01, (i // 10) * 0.01
        corners = [(x, 51 + y), (x + 0.01, 51 + y), (x + 0.01, 51.01 + y), (x, 51.01 + y)]
        out.append(SimpleNamespace(code=f"E01999{i:03d}", ward_code=f"E05999{i // 6:03d}", ward_name=f"Ward {i // 6}",
                                   corners=corners))
    return out


def test_the_demo_estate_fills_the_quarter_paper(data_dir):
    for name in ["Neighbour dispute", "Noise nuisance"]:
        CaseType.objects.get_or_create(name=name)
    seed_casework(lsoas()[:4], ["Ward 0"], cases=5, seed=7, today=TODAY)
    result = seed_cctv(lsoas(), seed=7, today=TODAY)
    assert result.cameras == 48 and result.reviews_by_rule >= 2
    assert seed_cctv(lsoas(), seed=7, today=TODAY).cameras == 0  # run again: nothing added
    assert Camera.objects.count() == 48
    assert Review.objects.filter(trigger="zero_activity").count() == result.reviews_by_rule
    f = report.quarter_figures(None, rules.quarter_of(TODAY), today=TODAY)
    assert f["faults"]["opened"] >= 2 and f["faults"]["open_at_end"] == 2 and f["faults"]["flagged_at_end"] == 1
    assert f["activity"]["incidents"] > 0 and f["activity"]["months_reported"] == 1  # October 2026
    assert f["reviews"]["zero_activity_opened"] == result.reviews_by_rule
    assert f["reviews"]["decisions"] and f["reviews"]["new_camera_requests"] == 2
    assert f["rapid_deployments"]["active"] >= 1 and f["rapid_deployments"]["reviews_due_by_end"] == 1
    assert f["footage_requests"]["total"] > 0 and f["uptime"]["uptime_percent"] is not None


def test_the_demo_estate_seeds_on_an_area_of_one_ward(data_dir):
    """A small area (two LSOAs, one ward) gets the whole estate: several cameras per LSOA, not an
    IndexError because the estate assumed 48 LSOAs."""
    for name in ["Neighbour dispute", "Noise nuisance"]:
        CaseType.objects.get_or_create(name=name)
    small = [lsoa for lsoa in lsoas() if lsoa.ward_name == "Ward 0"][:2]
    seed_casework(small, ["Ward 0"], cases=5, seed=7, today=TODAY)
    result = seed_cctv(small, seed=7, today=TODAY, cameras=24)
    assert result.cameras == 24 and result.deployments == 2 and result.reviews_by_rule >= 2
    assert set(Camera.objects.values_list("ward_name", flat=True)) == {"Ward 0"}
    assert set(Camera.objects.values_list("lsoa_code", flat=True)) == {lsoa.code for lsoa in small}
    assert Camera.objects.filter(kind="rapid").count() == 3


def test_the_demo_estate_says_what_it_needs(data_dir):
    with pytest.raises(ValueError, match="at least one LSOA"):
        seed_cctv([], seed=7, today=TODAY)
    with pytest.raises(ValueError, match="at least 24 cameras"):
        seed_cctv(lsoas(), seed=7, today=TODAY, cameras=10)

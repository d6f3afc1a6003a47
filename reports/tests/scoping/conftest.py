"""The world every section of the scoping matrix starts from: two regions, each with recommendations, a mentor's
document and a campaign report sent to its curator."""

import pytest

from .matrix import with_recommendations, with_reports


@pytest.fixture
def matrix_world(world, renderer):
    with_recommendations(world)
    with_reports(world)
    return world

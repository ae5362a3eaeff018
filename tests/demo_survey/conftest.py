import pytest

from api.demo_survey.survey import DemoSurvey, generate_demo_survey

SMALL_SHARE = 0.1  # two to six PSUs per stratum: a few hundred interviews, generated in about a second


@pytest.fixture(scope="session")
def small_survey() -> DemoSurvey:
    return generate_demo_survey(7, psu_share=SMALL_SHARE)


@pytest.fixture(scope="session")
def demo_survey() -> DemoSurvey:
    """The survey `sinmiedo demo` loads (default seed, every PSU)."""
    return generate_demo_survey()

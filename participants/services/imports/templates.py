"""What a downloadable template holds: the header (the resource's column names) and one example row."""

from dataclasses import dataclass

from regions.models import School


@dataclass
class TemplateSpec:
    header: list[str]
    example: list


def example_place(school: School | None) -> tuple[str, str, str]:
    """The region code, municipality and school of a template's example row: the user's own school if there is one."""
    if school is None:
        return "71", "г. Тула", "МБОУ СОШ № 1"
    return school.region.code, school.municipality.name, school.short_name

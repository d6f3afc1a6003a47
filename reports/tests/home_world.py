"""What the home page's tests share (the `rich_world` fixture is in conftest.py)."""

HOME = "/"


def figures_of(section) -> dict:
    return {f.key: (f.value, f.plan) for f in section.figures}

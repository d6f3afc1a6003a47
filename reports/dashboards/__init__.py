"""The home page of every role (issue 3 §3, issue 13 §7): one section per role the user holds, each read from that
role's scope through the scoping selectors (every function takes the acting user).

- `figures_by_region.py` — the figures of each region a coordinator, curator or operator reads, with plans and lists;
- `bar_charts.py` — the geometry of the inline SVG bar charts of those figures;
- `navigator.py`, `venues.py`, `mentor.py`, `family.py` — the sections of the other roles;
- `overdue.py` — monthly reports past their deadline and curators' requests past their date;
- `counts.py`, `links.py` — what they share: counts as subqueries, per cents, links to the pages that list the rows.

The charted blocks built from the report figures live beside this package, in `reports/home_blocks.py`.
"""


"""The diff as one self-contained HTML page: no network, what changed first, navigation by partner and area.

Insertions are ``<ins>`` (underlined, with a visible "+"), deletions ``<del>`` (struck through, with a
visible "−"), so that the meaning never depends on colour alone; colours only reinforce it. The page is a
Jinja template with autoescaping on: every text from a document is escaped by construction.
"""

from __future__ import annotations

import functools
import re

import jinja2
import markupsafe

from strategy_builder.review.report_view import SECTION_STATUSES, AreaGroup, ComparisonView, PartnerView, one_line

_CSS = """
:root { --ins: #e6f4ea; --del: #fce8e6; --ink: #1f1f1f; --muted: #5f6368; --line: #dadce0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
nav { position: fixed; top: 0; bottom: 0; left: 0; width: 17rem; overflow-y: auto; padding: 1rem;
      border-right: 1px solid var(--line); background: #f8f9fa; font-size: 13px; }
nav ul { list-style: none; padding-left: .8rem; margin: .2rem 0; }
nav > ul { padding-left: 0; }
nav a { color: var(--ink); text-decoration: none; } nav a:hover, nav a:focus { text-decoration: underline; }
main { margin-left: 18rem; padding: 1rem 2rem 4rem; max-width: 70rem; }
h1 { font-size: 1.5rem; } h2 { border-bottom: 2px solid var(--line); padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
table.summary { border-collapse: collapse; } table.summary th, table.summary td { border: 1px solid var(--line);
  padding: .25rem .6rem; text-align: right; } table.summary th:first-child, table.summary td:first-child,
  table.summary td:nth-child(2) { text-align: left; }
details { border: 1px solid var(--line); border-radius: 4px; margin: .4rem 0; padding: .3rem .7rem; }
summary { cursor: pointer; }
.status { display: inline-block; min-width: 6.5rem; font-weight: 600; text-transform: uppercase; font-size: 12px; }
.added .status { color: #137333; } .removed .status { color: #a50e0e; } .moved .status { color: #185abc; }
.renumbered .status { color: #3c4043; } .changed .status { color: #8a4b00; }
.unchanged .status { color: var(--muted); }
p.headline { font-size: 1.1rem; }
ins { background: var(--ins); text-decoration: underline; text-decoration-thickness: 2px; }
del { background: var(--del); text-decoration: line-through; text-decoration-thickness: 2px; }
ins .m, del .m { font-weight: 700; text-decoration: none; display: inline-block; padding-right: .1em; }
ol.changes { list-style: none; padding-left: 0; }  /* each paragraph shows its own number (1.1, 2.1.a) */
ol.changes li { margin: .3rem 0; white-space: pre-wrap; }
.where, .why, .muted { color: var(--muted); font-size: 13px; }
.why code { font-size: 12px; }
.legend { border: 1px solid var(--line); padding: .5rem .8rem; display: inline-block; }
@media print { nav { display: none; } main { margin-left: 0; } details { break-inside: avoid; } }
"""

_PAGE = """{%- macro mark(piece) -%}
{%- if piece.op == "insert" -%}<ins><span class="m" aria-hidden="true">+</span>{{ piece.text }}</ins>
{%- elif piece.op == "delete" -%}<del><span class="m" aria-hidden="true">−</span>{{ piece.text }}</del>
{%- else -%}{{ piece.text }}{%- endif -%}
{%- endmacro %}
{%- macro section_details(partner, section) -%}
{%- set shown = section.shown_changes -%}
{%- set hidden = section.hidden_changes %}
<details class="{{ section.status }}" id="{{ slug(partner.code, section.key) }}"{% if shown %} open{% endif %}>
<summary><span class="status">{{ section.status_line }}</span> {{ one_line(section.title, 200) }}</summary>
{% if section.retitled %}
<p class="muted">Previously: {{ one_line(section.old_title, 200) }}</p>
{% endif %}
{% if section.status in ("added", "removed") %}
<ol class="changes">
{% for change in section.changes %}<li>{% for piece in change.pieces() %}{{ mark(piece) }}{% endfor %}</li>
{% endfor %}
</ol>
{% elif shown %}
<ol class="changes">
{% for change in shown %}<li>{% if change.location %}<span class="where">{{ change.location }}: </span>{% endif %}
{%- for piece in change.pieces() %}{{ mark(piece) }}{% endfor %}</li>
{% endfor %}
</ol>
{% endif %}
{% if hidden > 0 %}
<p class="muted">{{ hidden }} change(s) of numbering or spacing only, not shown.</p>
{% endif %}
{% if section.why %}
<div class="why">Why:<ul>
{%- for line in section.why %}
<li>{{ line }}</li>
{%- endfor %}
</ul></div>
{% endif %}
</details>
{% endmacro %}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ heading }}</title>
<style>{{ css }}</style>
</head>
<body>
<nav aria-label="Partners and areas"><strong>{{ view.new.label }}</strong>
<ul>
{% for partner in view.changed_partners %}
<li><a href="#{{ slug(partner.code) }}">{{ partner.label }}</a> <span class="muted">({{ partner.status }})</span>
<ul>
{% if partner.status not in ("added", "removed") %}
{% for group in partner.areas(show_unchanged=False) %}
<li><a href="#{{ group_anchor(partner, group, loop.index) }}">{{ group.title }}</a>
{%- set changed = group.sections | rejectattr("status", "equalto", "unchanged") | list | length %}
{%- if changed %} ({{ changed }}){% endif %}</li>
{% endfor %}
{% if partner.changed_outside and not view.builds %}
<li><a href="#{{ slug(partner.code, 'outside') }}">Outside tracked sections</a></li>
{% endif %}
{% endif %}
</ul></li>
{% endfor %}
{% if view.unchanged_partners %}
<li><a href="#unchanged">Unchanged ({{ view.unchanged_partners | length }})</a></li>
{% endif %}
</ul>
</nav>
<main>
<h1>{{ heading }}</h1>
<p class="headline">{{ view.headline }}</p>
{% if view.metadata %}
<ul>
{% for item in view.metadata %}
<li>{{ item.field }}: <code>{{ item.old }}</code> → <code>{{ item.new }}</code></li>
{% endfor %}
</ul>
{% endif %}
{% if view.changed_partners | length > 1 %}
<table class="summary">
<thead><tr><th>Partner</th><th>Status</th>
{%- for status in statuses %}<th>{{ status | capitalize }}</th>{% endfor %}</tr></thead>
<tbody>
{% for partner in view.changed_partners %}
<tr><td><a href="#{{ slug(partner.code) }}">{{ partner.label }}</a></td>
<td>{{ partner.status }}</td>
{%- for status in statuses -%}
<td>{{ partner.counts[status] }}</td>
{%- endfor -%}
</tr>
{% endfor %}
</tbody>
</table>
{% endif %}
<p class="legend">Legend: <ins><span class="m">+</span>inserted</ins> &nbsp; <del><span class="m">−</span>deleted</del>
 &nbsp; sections: added, removed, moved, renumbered, changed, unchanged</p>
{% for partner in view.changed_partners %}
<section aria-labelledby="{{ slug(partner.code) }}">
<h2 id="{{ slug(partner.code) }}">{{ partner.label }} <span class="muted">— {{ partner.status }}
{%- if partner.counts_text %}: {{ partner.counts_text }}{% endif %}</span></h2>
{% if partner.status in ("added", "removed") %}
<p>This partner's document was {{ partner.status }}.</p>
{% else %}
{% for group in partner.areas(show_unchanged=False) %}
<h3 id="{{ group_anchor(partner, group, loop.index) }}">{{ group.title }}</h3>
{% for section in group.sections %}{{ section_details(partner, section) }}{% endfor %}
{% endfor %}
{% if partner.changed_outside and not view.builds %}
<h3 id="{{ slug(partner.code, 'outside') }}">Outside tracked sections</h3>
{% for section in partner.changed_outside %}{{ section_details(partner, section) }}{% endfor %}
{% endif %}
{% if partner.not_compared %}
<h3 id="{{ slug(partner.code, 'not-compared') }}">Not compared <span class="muted">(counted as differences)</span></h3>
<ul>
{% for line in partner.not_compared_lines %}
<li>{{ line }}</li>
{% endfor %}
</ul>
{% endif %}
{% if partner.comments_line %}
<p class="muted">{{ partner.comments_line }}</p>
{% endif %}
{% if partner.unchanged_sections %}
<p class="muted">{{ partner.unchanged_sections }} section(s) unchanged.</p>
{% endif %}
{% endif %}
</section>
{% endfor %}
{% if view.unchanged_partners %}
<p id="unchanged">Unchanged: {{ view.unchanged_partners | join(", ") }}.</p>
{% endif %}
{% if view.unchanged_comments %}
<p class="muted">{{ view.unchanged_comments }}</p>
{% endif %}
{% if view.draft_text %}
<p class="muted">{{ view.draft_text }}</p>
{% endif %}
</main>
</body>
</html>
"""


def _slug(*parts: str | None) -> str:
    return "-".join(re.sub(r"[^A-Za-z0-9]+", "-", p or "x").strip("-").lower() or "x" for p in parts)


def _group_anchor(partner: PartnerView, group: AreaGroup, position: int) -> str:
    """An area's anchor is its title; the general sections (before and after the areas) are told apart by
    their position."""
    if group.area is not None:
        return _slug(partner.code, group.title)
    return _slug(partner.code, group.title, str(position))


@functools.cache
def _template() -> jinja2.Template:

    environment = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                                     undefined=jinja2.StrictUndefined)
    environment.globals.update(slug=_slug, group_anchor=_group_anchor, one_line=one_line, css=markupsafe.Markup(_CSS),
                               statuses=SECTION_STATUSES)
    return environment.from_string(_PAGE)


def warm_up() -> None:
    """Compile the page's template (about 50 ms): the warm start's server calls this once, so that no served
    ``diff --html`` compiles it again (docs/architecture.md, the warm start)."""
    _template()


def render_html(view: ComparisonView, *, title: str | None = None) -> str:
    """The report of a comparison as a complete, self-contained HTML page."""
    heading = title or f"Changes from {view.old.label} to {view.new.label}"
    return _template().render(view=view, heading=heading)


__all__ = ["render_html"]

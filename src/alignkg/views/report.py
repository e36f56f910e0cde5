"""``alignkg report``: one page that answers "how closely and how fast does this enterprise follow
national directives?" — the enterprise profile, the alignment chains, a timeline, the metrics,
what the sources recommend and the gaps in the evidence, every row tied to its source.

Written as HTML (offline, the plot embedded as a PNG) and Markdown (the plot beside it)."""

from __future__ import annotations

import base64
import math
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from rdflib import Dataset

from alignkg.analysis.alignment import nearest_enterprise, organisation_tree
from alignkg.analysis.chains import alignment_chains
from alignkg.analysis.metrics import alignment_metrics
from alignkg.model.files import DEFAULT_BUILD_DIR, DEFAULT_REPORT_TITLE, write_atomically
from alignkg.model.terms import expand_curie
from alignkg.model.words import count
from alignkg.queries.named import run_query
from alignkg.stores.base import Store
from alignkg.views.markdown import format_metrics, markdown_table, markdown_text
from alignkg.views.timeline import draw_timeline

REPORT_HTML = "report.html"
REPORT_MD = "report.md"
TIMELINE_PNG = "report-timeline.png"

_SOURCES = """
SELECT ?source ?kind ?title ?publisher ?issued ?description WHERE {
  ?source a ?cls . VALUES (?cls ?kind) { (ak:Article "article") (ak:BackgroundKnowledge "background") }
  OPTIONAL { ?source dcterms:title ?title }
  OPTIONAL { ?source dcterms:publisher ?publisher }
  OPTIONAL { ?source dcterms:issued ?issued }
  OPTIONAL { ?source dcterms:description ?description }
}
ORDER BY ?source
"""

_ENTERPRISES = """
SELECT DISTINCT ?e ?labelZh ?description ?sector WHERE {
  ?e a/rdfs:subClassOf* ak:Enterprise .
  OPTIONAL { ?e rdfs:label ?labelZh . FILTER(langMatches(lang(?labelZh), "zh")) }
  OPTIONAL { ?e dcterms:description ?description }
  OPTIONAL { ?e ak:inSector ?s . ?s rdfs:label ?sector . FILTER(lang(?sector) = "en") }
}
"""

# Every post, its unit and who holds it, with the source of each holding; a post belongs to the
# nearest enterprise at or above its unit, as a meeting does.
_POSTS = """
SELECT DISTINCT ?u ?post ?unit ?holder ?source WHERE {
  ?p org:postIn ?u .
  ?p rdfs:label ?post . FILTER(lang(?post) = "en")
  ?u rdfs:label ?unit . FILTER(lang(?unit) = "en")
  OPTIONAL {
    ?h org:holds ?p . ?h rdfs:label ?holder . FILTER(lang(?holder) = "en")
    OPTIONAL { ?st rdf:subject ?h ; rdf:predicate org:holds ; rdf:object ?p ; prov:wasDerivedFrom ?source }
  }
}
"""

_CLAIMS = """
SELECT ?ordinal ?claim ?relation ?target ?source ?locator WHERE {
  VALUES ?p { ak:addressedTo ak:qualifies ak:concerns }
  ?c a <%s> .
  ?c ?p ?o .
  ?c rdfs:label ?claim . FILTER(lang(?claim) = "en")
  ?p rdfs:label ?relation . FILTER(lang(?relation) = "en")
  ?o rdfs:label ?target . FILTER(lang(?target) = "en")
  OPTIONAL { ?c ak:ordinal ?ordinal }
  OPTIONAL {
    ?st rdf:subject ?c ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?source .
    OPTIONAL { ?st ak:locator ?locator }
  }
}
ORDER BY ?ordinal ?claim ?relation ?target ?source
"""


@dataclass
class Report:
    """A rendered report: the HTML page, the Markdown text and the timeline image (PNG, or None)."""

    html: str
    markdown: str
    timeline_png: bytes | None
    notes: list[str] = field(default_factory=list)


def _records(dataset: Dataset | Store, text: str) -> list[dict[str, str]]:
    result = run_query(dataset, text)
    return [dict(zip(result.variables, row, strict=True)) for row in result.to_text_rows(compact=True)]


def _full_iri(compact: str) -> str:
    return str(expand_curie(compact) or compact)


def _str(value: Any) -> str:
    """Text of a cell; missing values (None, NaN, NA) as the empty string."""
    missing = value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
    return "" if missing else str(value)


def _dicts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a DataFrame as dictionaries, missing values as None."""
    return [
        {str(k): (None if _str(v) == "" and not isinstance(v, str) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def _sources_of(*cells: Any) -> list[str]:
    found: set[str] = set()
    for cell in cells:
        if isinstance(cell, str) and cell:
            found.update(part.strip() for part in cell.split(";") if part.strip())
    return sorted(found)


def _notes(chains: pd.DataFrame, metrics: pd.DataFrame, background: set[str]) -> list[str]:
    """What the sources do not establish, in plain words, so no gap is read as a fact."""
    notes: list[str] = []
    for m in _dicts(metrics):
        if m["directives_followed"]:
            notes.append(
                f"The figures for {m['enterprise_label']} rest on {count(m['meetings'], 'meeting')}, "
                f"{count(m['directives_followed'], 'directive')} and {count(m['lags'], 'lag')}: they "
                "describe these events, not a general rate of response."
            )
        else:
            notes.append(
                f"The graph records {count(m['meetings'], 'meeting')} of {m['enterprise_label']} but no "
                f"directive that {'it implements' if m['meetings'] == 1 else 'they implement'}, so no chain "
                "or lag can be given for it."
            )
    for c in _dicts(chains.drop_duplicates(["directive", "meeting"])):
        if c["lag_days"] is None:
            missing = "the directive" if not c["directive_date"] else "the meeting"
            notes.append(
                f"The lag between {c['directive_label']} and {c['meeting_label']} is unknown: "
                f"no source gives the date of {missing}."
            )
            continue
        dates = _sources_of(c["directive_date_sources"], c["meeting_date_sources"])
        used = [s for s in dates if s in background]
        if used:
            notes.append(
                f"The lag of {count(c['lag_days'], 'day')} between {c['directive_label']} and "
                f"{c['meeting_label']} "
                f"uses dates from background knowledge ({', '.join(used)}), not from an article."
            )
    for c in _dicts(chains):
        if c["serves_directive"] is False or c["serves_directive"] == 0:
            notes.append(
                f"No source states that the priority '{c['priority_label']}' serves {c['directive_label']}; "
                f"that chain runs only through {c['meeting_label']}."
            )
    return notes


def _context(dataset: Dataset | Store, title: str) -> dict[str, Any]:
    chains = alignment_chains(dataset)
    metrics = alignment_metrics(dataset)
    sources = _records(dataset, _SOURCES)
    background = {s["source"] for s in sources if s["kind"] == "background"}
    parents, known = organisation_tree(dataset)
    posts: dict[str, list[dict[str, str]]] = defaultdict(list)
    for post in _records(dataset, _POSTS):
        home = nearest_enterprise(post["u"], parents, known)
        if home is not None:
            posts[home].append(post)
    details: dict[str, list[dict[str, str]]] = defaultdict(list)
    for detail in _records(dataset, _ENTERPRISES):
        details[detail["e"]].append(detail)
    enterprises = []
    for m in _dicts(metrics):
        ent = details.get(str(m["enterprise"]), [])
        enterprises.append(
            {
                "id": m["enterprise"],
                "label": m["enterprise_label"],
                "label_zh": next((d["labelZh"] for d in ent if d["labelZh"]), ""),
                "description": next((d["description"] for d in ent if d["description"]), ""),
                "sectors": sorted({d["sector"] for d in ent if d["sector"]}),
                "posts": sorted(
                    posts.get(str(m["enterprise"]), []),
                    key=lambda p: (p["unit"], p["post"], p["holder"], p["source"]),
                ),
            }
        )
    chain_rows = []
    for c in _dicts(chains):
        serves = c["serves_directive"]
        chain_rows.append(
            {
                "enterprise": _str(c["enterprise_label"]),
                "issuer": _str(c["issuer"]),
                "directive": _str(c["directive_label"]),
                "directive_date": _str(c["directive_date"]),
                "meeting": _str(c["meeting_label"]),
                "meeting_date": _str(c["meeting_date"]),
                "lag": _str(c["lag_days"]),
                "priority": _str(c["priority_label"]),
                "serves": "" if serves is None else ("stated" if serves else "not stated"),
                "measures": _str(c["measures"]),
                "sources": _sources_of(*(c[k] for k in c if k.endswith("_sources"))),
            }
        )
    return {
        "title": title,
        "enterprises": enterprises,
        "chains": chain_rows,
        "metric_header": ["metric", *metrics["enterprise_label"]],
        "metric_rows": format_metrics(metrics),
        "recommendations": _records(dataset, _CLAIMS % _full_iri("ak:Recommendation")),
        "caveats": _records(dataset, _CLAIMS % _full_iri("ak:Caveat")),
        "notes": _notes(chains, metrics, background),
        "sources": sources,
        "source_titles": {s["source"]: s["title"] for s in sources},
        "chains_frame": chains,
    }


def _markdown(ctx: dict[str, Any], timeline: bool) -> str:
    out = [f"# {markdown_text(ctx['title'])}\n"]
    out.append("## Enterprise profile\n")
    for ent in ctx["enterprises"]:
        name = markdown_text(ent["label"]) + (
            f" ({markdown_text(ent['label_zh'])})" if ent["label_zh"] else ""
        )
        out.append(f"### {name}\n")
        if ent["description"]:
            out.append(markdown_text(ent["description"]) + "\n")
        if ent["sectors"]:
            out.append("Sectors: " + ", ".join(markdown_text(s) for s in ent["sectors"]) + "\n")
        if ent["posts"]:
            rows = [[p["unit"], p["post"], p["holder"], p["source"]] for p in ent["posts"]]
            out.append(markdown_table(["unit", "post", "holder", "source"], rows))
        else:
            out.append("The graph names no posts in this enterprise.\n")
    out.append("## Alignment chains\n")
    header = ["issuer", "directive", "date", "meeting", "date", "lag (days)", "priority", "serves"]
    header += ["measures", "sources"]
    rows = [
        [
            c["issuer"],
            c["directive"],
            c["directive_date"],
            c["meeting"],
            c["meeting_date"],
            c["lag"],
            c["priority"],
            c["serves"],
            c["measures"],
            ", ".join(c["sources"]),
        ]
        for c in ctx["chains"]
    ]
    out.append(markdown_table(header, rows) if rows else "No chains in the graph.\n")
    if timeline:
        out.append(f"![Timeline of directives and meetings]({TIMELINE_PNG})\n")
    out.append("## Metrics\n")
    out.append(markdown_table(ctx["metric_header"], ctx["metric_rows"]))
    out.append("## What the evidence does not establish\n")
    out.append("".join(f"- {markdown_text(n)}\n" for n in ctx["notes"]) or "Nothing to note.\n")
    for key, heading in (("recommendations", "Recommendations"), ("caveats", "Reservations")):
        out.append(f"## {heading} the sources {'make' if key == 'recommendations' else 'raise'}\n")
        rows = [
            [r["ordinal"], r["claim"], f"{r['relation']} {r['target']}", r["source"], r["locator"]]
            for r in ctx[key]
        ]
        out.append(markdown_table(["#", "claim", "about", "source", "locator"], rows) if rows else "None.\n")
    out.append("## Sources\n")
    rows = [[s["source"], s["kind"], s["title"], s["description"]] for s in ctx["sources"]]
    out.append(markdown_table(["id", "kind", "title", "description"], rows))
    return "\n".join(out)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: (resources.files("alignkg") / "templates" / name).read_text(encoding="utf-8")
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["anchor"] = lambda source: "src-" + str(source).replace(":", "-")
    return env


def render_report(dataset: Dataset | Store, *, title: str = DEFAULT_REPORT_TITLE) -> Report:
    """The report on every enterprise in ``dataset`` that convened a meeting, in HTML and Markdown."""
    ctx = _context(dataset, title)
    png = draw_timeline(_dicts(ctx.pop("chains_frame").drop_duplicates(["directive", "meeting"])))
    image = base64.b64encode(png).decode("ascii") if png else None
    page = _environment().get_template("report.html").render(**ctx, timeline=image)
    return Report(html=page, markdown=_markdown(ctx, png is not None), timeline_png=png, notes=ctx["notes"])


def write_report(
    dataset: Dataset | Store, out_dir: Path | str = DEFAULT_BUILD_DIR, *, title: str = DEFAULT_REPORT_TITLE
) -> list[Path]:
    """Write ``report.html``, ``report.md`` and (when there are dated chains) the timeline PNG
    to ``out_dir``; nothing is replaced unless every file could be written. Returns the files."""
    report = render_report(dataset, title=title)
    target = Path(out_dir)
    outputs = {
        target / REPORT_HTML: report.html.encode("utf-8"),
        target / REPORT_MD: report.markdown.encode("utf-8"),
    }
    if report.timeline_png is not None:
        outputs[target / TIMELINE_PNG] = report.timeline_png
    write_atomically(outputs)
    return sorted(outputs)

"""``alignkg report``: one page that answers "how closely and how fast does this enterprise follow
national directives?" — the enterprise profile, the alignment chains, a timeline, the cascade of
each directive through the group, the metrics, what the sources recommend and the gaps in the
evidence, every row tied to its source.

Written as HTML (offline, the plot embedded as a PNG) and Markdown (the plot beside it)."""

from __future__ import annotations

import base64
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from rdflib import Dataset

from alignkg.analysis.alignment import nearest_enterprise, organisation_tree
from alignkg.analysis.chains import alignment_chains
from alignkg.analysis.metrics import alignment_metrics
from alignkg.model.files import DEFAULT_BUILD_DIR, DEFAULT_REPORT_TITLE, write_atomically
from alignkg.model.terms import expand_curie
from alignkg.queries.named import run_query
from alignkg.stores.base import Store
from alignkg.views.markdown import format_metrics, markdown_table, markdown_text
from alignkg.views.sections import (
    cascades,
    gap_notes,
    markdown_cascades,
    metric_text,
    records_of,
    sources_of,
    text_of,
)
from alignkg.views.timeline import draw_timeline

SERVES_TEXT = {"item": "stated", "meeting": "meeting as a whole", None: "not stated"}
"""How the report shows whether a source ties a priority to the directive of its chain."""

REPORT_HTML = "report.html"
REPORT_MD = "report.md"
TIMELINE_PNG = "report-timeline.png"

_SOURCES = """
SELECT ?source ?kind ?title ?publisher ?issued ?url ?description WHERE {
  ?source a ?cls . VALUES (?cls ?kind) { (ak:Article "article") (ak:BackgroundKnowledge "background") }
  OPTIONAL { ?source rdfs:label ?title }
  OPTIONAL { ?source schema:url ?url }
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
    for m in records_of(metrics):
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
    for c in records_of(chains):
        chain_rows.append(
            {
                "enterprise": text_of(c["enterprise_label"]),
                "issuer": text_of(c["issuer"]),
                "directive": text_of(c["directive_label"]),
                "directive_date": text_of(c["directive_date"])
                + (" (occasion end)" if c["directive_date_basis"] == "occasion end" else ""),
                "meeting": text_of(c["meeting_label"]),
                "meeting_date": text_of(c["meeting_date"]),
                "lag": text_of(c["lag_days"]),
                "priority": text_of(c["priority_label"]),
                "serves": "" if c["priority"] is None else SERVES_TEXT[c["serves_tie"]],
                "measures": text_of(c["measures"]),
                "sources": sources_of(*(c[k] for k in c if k.endswith("_sources"))),
            }
        )
    return {
        "title": title,
        "enterprises": enterprises,
        "cascades": cascades(dataset),
        "followed": [
            {
                "enterprise": m["enterprise_label"],
                "meetings": text_of(m["meetings"]),
                "directives": text_of(m["directives_followed"]),
                "median_lag": metric_text(m["median_lag_days"]),
                "citing": metric_text(m["meeting_directive_share"], percent=True),
            }
            for m in records_of(metrics)
        ],
        "chains": chain_rows,
        "metric_header": ["metric", *metrics["enterprise_label"]],
        "metric_rows": format_metrics(metrics),
        "recommendations": _records(dataset, _CLAIMS % _full_iri("ak:Recommendation")),
        "caveats": _records(dataset, _CLAIMS % _full_iri("ak:Caveat")),
        "notes": gap_notes(chains, metrics, background),
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
    out.append(markdown_cascades(ctx))
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
    rows = [[s["source"], s["kind"], s["title"], s["url"], s["description"]] for s in ctx["sources"]]
    out.append(markdown_table(["id", "kind", "title", "address", "description"], rows))
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
    png = draw_timeline(records_of(ctx.pop("chains_frame").drop_duplicates(["directive", "meeting"])))
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

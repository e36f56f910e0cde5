"""Helpers shared by the static-site tests: a graph with hostile values, and a link checker that
parses every page and resolves every href and src."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from rdflib import BNode, Dataset, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

import alignkg
from alignkg.model.terms import AK, GRAPH, ID, META_GRAPH, SOURCE, STATEMENT

OA = Namespace("http://www.w3.org/ns/oa#")
PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
]


def add_quote(dataset: Dataset, record: URIRef, quote: str) -> None:
    """Give a statement record a Web Annotation text quote, the shape a quote column would take."""
    selector = BNode()
    meta = dataset.graph(META_GRAPH)
    meta.add((record, OA.hasSelector, selector))
    meta.add((selector, RDF.type, OA.TextQuoteSelector))
    meta.add((selector, OA.exact, Literal(quote)))


def hostile_dataset(payload: str) -> Dataset:
    """The shipped graph plus an enterprise, a source and a fact whose every text is ``payload``:
    labels in both languages, alias, description, source title, locator, evidence and quote,
    and a link to an IRI that is not an entity."""
    dataset = alignkg.build_graph().dataset
    meta = dataset.graph(META_GRAPH)
    source, graph = SOURCE["hostile-source"], dataset.graph(GRAPH["hostile-source"])
    meta.add((source, RDF.type, AK.Article))
    meta.add((source, DCTERMS.title, Literal(payload, lang="en")))
    meta.add((source, DCTERMS.description, Literal(payload, lang="en")))
    meta.add((GRAPH["hostile-source"], RDF.type, AK.SourceGraph))
    meta.add((GRAPH["hostile-source"], PROV.wasDerivedFrom, source))
    hostile = ID["hostile"]
    graph.add((hostile, RDF.type, AK.Enterprise))
    graph.add((hostile, RDFS.label, Literal(payload, lang="en")))
    graph.add((hostile, RDFS.label, Literal(payload, lang="zh")))
    graph.add((hostile, SKOS.altLabel, Literal(payload + " alias")))
    graph.add((hostile, DCTERMS.description, Literal(payload, lang="en")))
    graph.add((hostile, AK.concerns, URIRef("javascript:alert(1)")))
    fact = (ID["meeting-baogang-2025-01-09"], AK.attendedBy, hostile)
    graph.add(fact)
    record = STATEMENT["hostile-record"]
    meta.add((record, RDF.type, AK.Statement))
    meta.add((record, RDF.subject, fact[0]))
    meta.add((record, RDF.predicate, fact[1]))
    meta.add((record, RDF.object, fact[2]))
    meta.add((record, PROV.wasDerivedFrom, source))
    meta.add((record, AK.locator, Literal(payload)))
    meta.add((record, AK.evidence, Literal(payload, lang="en")))
    add_quote(dataset, record, payload)
    return dataset


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            elif name == "id" and value is not None:
                self.ids.add(value)


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(root: Path) -> tuple[int, list[str]]:
    """How many links every page has, and those that point to no file or to no element id;
    a link with a scheme (``http:``, ``javascript:``) counts as broken, since none may leave."""
    root = root.resolve()
    pages = {path: parse(path) for path in sorted(root.rglob("*.html"))}
    checked, broken = 0, []
    for page, parsed in pages.items():
        for link in parsed.links:
            checked += 1
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or parts.query:
                broken.append(f"{page.relative_to(root)}: {link}")
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if root not in target.parents or not target.is_file():
                broken.append(f"{page.relative_to(root)}: {link}")
            elif parts.fragment and (target not in pages or parts.fragment not in pages[target].ids):
                broken.append(f"{page.relative_to(root)}: {link} (no id {parts.fragment})")
    return checked, broken


def files(root: Path) -> dict[str, bytes]:
    """Every file of a site by its path inside it."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

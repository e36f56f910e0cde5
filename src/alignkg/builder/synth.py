"""Synthetic graphs shaped like the real data, for benchmarks and large-view tests.

Every entity is labelled as synthetic ("Synthetic Steel Enterprise 12"); nothing describes a real
body. The graph has the classes, properties, named graphs and statement records of a build, grows
linearly with the number of enterprises (about 734 quads each: 140 give about 100k, 1,400 about 1M)
and is the same for the same ``enterprises`` and ``seed``. Each enterprise has Party committees, two
leaders with five posts (one quoted, one in its subsidiary), a meeting on two directives, three
priorities with measures (one tied to its directive, two through the meeting), advantages,
implications, caveats, recommendations and a subsidiary's similar meeting, from two sources.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple, TextIO

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from alignkg.model.errors import AlignkgError, Location
from alignkg.model.files import DEFAULT_ONTOLOGY
from alignkg.model.ontology import load_ontology
from alignkg.model.terms import AK, GRAPH, ID, META_GRAPH, OA, ONTOLOGY_GRAPH, ORG, SCHEMA, SOURCE, STATEMENT

QUADS_PER_ENTERPRISE = 734
"""About how many quads one synthetic enterprise adds; the ontology and shared lists add ~1,000."""


class Lit(NamedTuple):
    """A literal as plain strings: lexical form, language tag or datatype IRI (one of them empty)."""

    value: str
    lang: str = ""
    datatype: str = ""


Term = str | Lit
Quad = tuple[str, str, Term, str]
"""Subject IRI, predicate IRI, object (IRI or literal), graph IRI."""

_SECTORS = [
    ("Steel", "钢铁"),
    ("Rare earths", "稀土"),
    ("Coal", "煤炭"),
    ("Nonferrous metals", "有色金属"),
    ("Power", "电力"),
    ("Shipbuilding", "船舶"),
]
_THEMES = ["National integration", "Governance", "Party discipline", "Safety", "Risk mitigation"]
_GROUPS = ["Synthetic competitor group A", "Synthetic competitor group B", "Synthetic competitor group C"]
_AREAS = 5
_ORGANS = 3
_PUBLICATIONS = 2
_BASE_DATE = dt.date(2000, 1, 1)

_TYPE, _LABEL, _DESC = str(RDF.type), str(RDFS.label), str(DCTERMS.description)


def _id(local: str) -> str:
    return str(ID) + "synth-" + local


def _date(day: dt.date) -> Lit:
    return Lit(day.isoformat(), datatype=str(XSD.date))


def _int(value: int) -> Lit:
    return Lit(str(value), datatype=str(XSD.positiveInteger))


class _Source:
    """Collects the entities and facts of one synthetic source and its statement records."""

    def __init__(self, source_id: str, title: str, kind: str) -> None:
        self.source_id = source_id
        self.iri = str(SOURCE) + source_id
        self.graph = str(GRAPH) + source_id
        self.title = title
        self.kind = kind
        self.quads: list[Quad] = []
        self.facts = 0

    def describe(self) -> Iterator[Quad]:
        meta = str(META_GRAPH)
        yield (self.iri, _TYPE, self.kind, meta)
        yield (self.iri, _LABEL, Lit(self.title, "en"), meta)
        yield (self.iri, str(DCTERMS.title), Lit(self.title, "en"), meta)
        yield (self.iri, _DESC, Lit("Synthetic source generated for benchmarks and tests.", "en"), meta)
        yield (self.graph, _TYPE, str(AK.SourceGraph), meta)
        yield (self.graph, _LABEL, Lit(f"Facts from: {self.title}", "en"), meta)
        yield (self.graph, str(PROV.wasDerivedFrom), self.iri, meta)

    def entity(self, iri: str, cls: str, en: str, zh: str = "", description: str = "") -> str:
        self.quads.append((iri, _TYPE, cls, self.graph))
        self.quads.append((iri, _LABEL, Lit(en, "en"), self.graph))
        if zh:
            self.quads.append((iri, _LABEL, Lit(zh, "zh"), self.graph))
        if description:
            self.quads.append((iri, _DESC, Lit(description, "en"), self.graph))
        return iri

    def fact(
        self, s: str, p: str, o: Term, locator: str = "Synthetic section", *, quote: str = "", tie: str = ""
    ) -> None:
        """A fact in the source graph and its statement record (with any quote and tie) in akg:meta."""
        self.quads.append((s, p, o, self.graph))
        key = "\n".join((s, p, _n3(o), self.source_id))
        record = str(STATEMENT) + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
        meta = str(META_GRAPH)
        self.quads += [
            (record, _TYPE, str(AK.Statement), meta),
            (record, str(RDF.subject), s, meta),
            (record, str(RDF.predicate), p, meta),
            (record, str(RDF.object), o, meta),
            (record, str(PROV.wasDerivedFrom), self.iri, meta),
            (record, str(AK.assertedIn), self.graph, meta),
            (record, str(AK.locator), Lit(locator), meta),
            (record, str(AK.evidence), Lit(f"Synthetic evidence for fact {self.facts + 1}.", "en"), meta),
        ]
        self.quads += [(record, str(AK.tie), tie, meta)] if tie else []
        if quote:
            self.quads += [
                (record, str(OA.hasSelector), record + "-quote", meta),
                (record + "-quote", _TYPE, str(OA.TextQuoteSelector), meta),
                (record + "-quote", str(OA.exact), Lit(quote), meta),
            ]
        self.facts += 1


def _common() -> _Source:
    """Pools shared by all enterprises: sectors, themes, competitor groups, organs, places."""
    src = _Source("synth-common", "Synthetic reference lists", str(AK.Article))
    for i, (en, zh) in enumerate(_SECTORS):
        src.entity(_id(f"sector-{i}"), str(AK.Sector), f"Synthetic sector: {en}", f"合成行业{zh}")
    for i, en in enumerate(_THEMES):
        src.entity(_id(f"theme-{i}"), str(AK.Theme), f"Synthetic theme: {en}")
    for i, en in enumerate(_GROUPS):
        src.entity(_id(f"group-{i}"), str(AK.CompanyGroup), en)
        src.fact(_id(f"group-{i}"), str(AK.inSector), _id(f"sector-{i % len(_SECTORS)}"))
    for i in range(_ORGANS):
        src.entity(_id(f"organ-{i}"), str(AK.PartyOrgan), f"Synthetic Party organ {i}", f"合成机构{i}")
    for i in range(_AREAS):
        src.entity(_id(f"area-{i}"), str(SCHEMA.AdministrativeArea), f"Synthetic area {i}", f"合成地区{i}")
        if i:
            src.fact(_id(f"area-{i}"), str(SCHEMA.containedInPlace), _id("area-0"))
    for i in range(_PUBLICATIONS):
        src.entity(_id(f"publication-{i}"), str(ORG.Organization), f"Synthetic publication {i}")
    return src


def _enterprise(k: int, rng: random.Random) -> tuple[_Source, _Source]:
    """The article and background sources about synthetic enterprise ``k`` of ``n``."""
    art = _Source(f"synth-article-{k}", f"Synthetic article {k}", str(AK.Article))
    bg = _Source(f"synth-background-{k}", f"Synthetic background {k}", str(AK.BackgroundKnowledge))
    a = str(AK)
    sector, sector_zh = _SECTORS[k % len(_SECTORS)]
    e = art.entity(
        _id(f"enterprise-{k}"),
        str(AK.StateOwnedEnterprise),
        f"Synthetic {sector} Enterprise {k}",
        f"合成{sector_zh}企业{k}",
        "A synthetic state-owned enterprise.",
    )
    art.fact(e, a + "inSector", _id(f"sector-{k % len(_SECTORS)}"))
    if k % 2:
        art.fact(e, a + "inSector", _id(f"sector-{(k + 1) % len(_SECTORS)}"))
    pc = art.entity(
        _id(f"enterprise-{k}-party-committee"), a + "PartyCommittee", f"Synthetic Party Committee {k}"
    )
    psc = art.entity(
        _id(f"enterprise-{k}-standing-committee"),
        a + "PartyStandingCommittee",
        f"Synthetic Standing Committee {k}",
    )
    art.fact(pc, str(ORG.unitOf), e)
    art.fact(psc, str(ORG.subOrganizationOf), pc)
    secretary = art.entity(
        _id(f"person-{k}-1"), "http://xmlns.com/foaf/0.1/Person", f"Synthetic Person {k}-1", f"合成人物{k}甲"
    )
    deputy = art.entity(_id(f"person-{k}-2"), "http://xmlns.com/foaf/0.1/Person", f"Synthetic Person {k}-2")
    subsidiary = art.entity(
        _id(f"enterprise-{k}-subsidiary"), a + "Enterprise", f"Synthetic Subsidiary {k}", f"合成子公司{k}"
    )
    for who, cls, body, title, quote in (  # the deputy is also an officer of the subsidiary
        (secretary, "PartySecretary", pc, "Party Secretary", f"Synthetic quote: Party Secretary {k}"),
        (secretary, "Chairman", e, "Chairman", ""),
        (deputy, "VicePartySecretary", pc, "Vice Party Secretary", ""),
        (deputy, "GeneralManager", e, "General Manager", ""),
        (deputy, "Chairman", subsidiary, "Subsidiary Chairman", ""),
    ):
        slug = title.lower().replace(" ", "")
        post = art.entity(_id(f"enterprise-{k}-post-{slug}"), a + cls, f"Synthetic {title} {k}")
        art.fact(post, str(ORG.postIn), body)
        art.fact(who, str(ORG.holds), post, quote=quote)

    issuer = art.entity(
        _id(f"leader-{k}"), "http://xmlns.com/foaf/0.1/Person", f"Synthetic Leader {k}", f"合成领导{k}"
    )
    directive_day = _BASE_DATE + dt.timedelta(days=k)
    directive = art.entity(_id(f"directive-{k}"), a + "NationalDirective", f"Synthetic Directive {k}")
    art.fact(directive, a + "issuedBy", issuer)
    if k % 2:
        occasion = art.entity(_id(f"earthquake-{k}"), a + "Earthquake", f"Synthetic Earthquake {k}")
        art.fact(occasion, str(SCHEMA.location), _id(f"area-{k % _AREAS}"))
        bg.fact(occasion, str(DCTERMS.date), _date(directive_day))
        bg.fact(
            occasion, a + "magnitude", Lit(f"{5 + rng.randrange(30) / 10:.1f}", datatype=str(XSD.decimal))
        )
    else:
        organ = _id(f"organ-{k % _ORGANS}")
        occasion = art.entity(_id(f"session-{k}"), a + "PartySession", f"Synthetic Session {k}")
        art.fact(directive, a + "deliveredTo", organ)
        bg.fact(occasion, a + "convenedBy", organ)
        bg.fact(occasion, str(SCHEMA.startDate), _date(directive_day))
        bg.fact(occasion, str(SCHEMA.endDate), _date(directive_day + dt.timedelta(days=2)))
    art.fact(directive, a + "occasion", occasion)
    bg.fact(directive, str(DCTERMS.date), _date(directive_day))

    meeting = art.entity(_id(f"meeting-{k}"), a + "Meeting", f"Synthetic Meeting {k}", f"合成会议{k}")
    art.fact(meeting, a + "convenedBy", psc)
    art.fact(meeting, str(DCTERMS.date), _date(directive_day + dt.timedelta(days=2 + rng.randrange(5))))
    art.fact(meeting, a + "ordinalInYear", _int(1 + k % 12))
    art.fact(meeting, a + "chairedBy", secretary)
    art.fact(meeting, a + "attendedBy", deputy)
    directives = [directive] + ([_id(f"directive-{k - 1}")] if k else [])
    for d in directives:
        art.fact(meeting, a + "implements", d)
    for i in range(1, 4):
        priority = art.entity(_id(f"meeting-{k}-priority-{i}"), a + "Priority", f"Synthetic Priority {k}.{i}")
        art.fact(meeting, a + "setsPriority", priority)
        art.fact(priority, a + "ordinal", _int(i))
        tie = a + ("ItemTie" if i == 1 else "MeetingTie")
        art.fact(priority, a + "implements", directives[(i - 1) % len(directives)], tie=tie)
        art.fact(priority, a + "theme", _id(f"theme-{(k + i) % len(_THEMES)}"))
        art.fact(priority, a + "aim", Lit(f"Synthetic aim {k}.{i}", "en"))
        for j in range(1, 2 + rng.randrange(3)):
            measure = art.entity(
                _id(f"meeting-{k}-measure-{i}-{j}"), a + "Measure", f"Synthetic Measure {k}.{i}.{j}"
            )
            art.fact(priority, a + "hasMeasure", measure)

    group = _id(f"group-{k % len(_GROUPS)}")
    art.fact(e, a + "competesWith", group)
    advantages = []
    for i in range(1, 5):
        adv = art.entity(
            _id(f"enterprise-{k}-advantage-{i}"), a + "CompetitiveAdvantage", f"Synthetic Advantage {k}.{i}"
        )
        art.fact(e, a + "hasAdvantage", adv)
        advantages.append(adv)
    for i in range(1, 3):
        imp = art.entity(
            _id(f"enterprise-{k}-implication-{i}"), a + "Implication", f"Synthetic Implication {k}.{i}"
        )
        art.fact(imp, a + "implicationFor", _id(f"group-{(k + i) % len(_GROUPS)}"))
        art.fact(imp, a + "concerns", e)
        art.fact(imp, a + "basedOn", advantages[i])
        cav = art.entity(_id(f"enterprise-{k}-caveat-{i}"), a + "Caveat", f"Synthetic Caveat {k}.{i}")
        art.fact(cav, a + "concerns", e)
        art.fact(cav, a + "qualifies", advantages[i + 1])
        rec = art.entity(
            _id(f"enterprise-{k}-recommendation-{i}"),
            a + "Recommendation",
            f"Synthetic Recommendation {k}.{i}",
        )
        art.fact(rec, a + "ordinal", _int(i))
        art.fact(rec, a + "addressedTo", group)

    similar = art.entity(_id(f"meeting-{k}-similar"), a + "Meeting", f"Synthetic Similar Meeting {k}")
    art.fact(similar, a + "similarTo", meeting)
    art.fact(similar, a + "convenedBy", subsidiary)
    art.fact(similar, a + "reportedBy", _id(f"publication-{k % _PUBLICATIONS}"))
    bg.fact(subsidiary, str(ORG.subOrganizationOf), e)
    return art, bg


def _ontology_quads(ontology: Path | str) -> Iterator[Quad]:
    graph = load_ontology(ontology).graph
    g = str(ONTOLOGY_GRAPH)
    for s, p, o in sorted(graph):
        obj: Term = (
            Lit(str(o), o.language or "", "" if o.language else str(o.datatype or XSD.string))
            if isinstance(o, Literal)
            else str(o)
        )
        yield (str(s), str(p), obj, g)


def quads(*, enterprises: int, seed: int = 0, ontology: Path | str = DEFAULT_ONTOLOGY) -> Iterator[Quad]:
    """The synthetic quads as plain strings (fast); see :func:`generate` for rdflib terms."""
    if enterprises < 1:
        raise AlignkgError(f"enterprises must be 1 or more, got {enterprises}")
    yield from _ontology_quads(ontology)
    rng = random.Random(seed)  # noqa: S311  (reproducible variety, not security)
    common = _common()
    yield from common.describe()
    yield from common.quads
    for k in range(enterprises):
        for src in _enterprise(k, rng):
            yield from src.describe()
            yield from src.quads


def _rdflib(term: Term) -> URIRef | Literal:
    if isinstance(term, Lit):
        if term.lang:
            return Literal(term.value, lang=term.lang)
        return Literal(term.value, datatype=URIRef(term.datatype) if term.datatype else None)
    return URIRef(term)


def generate(*, enterprises: int, seed: int = 0, ontology: Path | str = DEFAULT_ONTOLOGY) -> Dataset:
    """The synthetic graph as an rdflib Dataset (union default graph), for small sizes and tests.

    >>> ds = generate(enterprises=2)
    >>> len(list(ds.graphs())) > 5
    True
    """
    dataset = Dataset(default_union=True)
    graphs: dict[str, Graph] = {}
    for s, p, o, g in quads(enterprises=enterprises, seed=seed, ontology=ontology):
        if g not in graphs:
            graphs[g] = dataset.graph(URIRef(g))
        graphs[g].add((URIRef(s), URIRef(p), _rdflib(o)))
    return dataset


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _n3(term: Term) -> str:
    if isinstance(term, Lit):
        if term.lang:
            return f'"{_escape(term.value)}"@{term.lang}'
        if term.datatype and term.datatype != str(XSD.string):
            return f'"{_escape(term.value)}"^^<{term.datatype}>'
        return f'"{_escape(term.value)}"'
    return f"<{term}>"


def _write_nquads(stream: TextIO, quads_: Iterator[Quad]) -> int:
    count = 0
    lines: list[str] = []
    for s, p, o, g in quads_:
        lines.append(f"<{s}> <{p}> {_n3(o)} <{g}> .\n")
        if len(lines) >= 10000:
            stream.write("".join(lines))
            count += len(lines)
            lines.clear()
    stream.write("".join(lines))
    return count + len(lines)


def write_synthetic(
    path: Path | str, *, enterprises: int, seed: int = 0, ontology: Path | str = DEFAULT_ONTOLOGY
) -> int:
    """Write the synthetic graph to ``path`` as N-Quads (``.nq``) and return the number of quads.

    N-Quads is written line by line, so memory stays flat at any size. The file appears only
    when complete.
    """
    target = Path(path)
    if target.suffix.lower() != ".nq":
        raise AlignkgError("synthetic graphs are written as N-Quads; name the file *.nq", Location(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as stream:
            count = _write_nquads(stream, quads(enterprises=enterprises, seed=seed, ontology=ontology))
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return count


def sample_parameters(enterprises: int) -> dict[str, dict[str, str]]:
    """Parameter values that give each parameterised shipped query an answer on a synthetic graph.

    They point at the middle enterprise, so answers do not come from the first one only.

    >>> sample_parameters(10)["advantages"]
    {'enterprise': 'synth-enterprise-5'}
    """
    k = enterprises // 2
    return {
        "advantages": {"enterprise": f"synth-enterprise-{k}"},
        "entity-evidence": {"entity": f"synth-person-{k}-1"},
        "meeting-directives": {"meeting": f"synth-meeting-{k}"},
        "meeting-participants": {"meeting": f"synth-meeting-{k}"},
        "priority-measures": {"meeting": f"synth-meeting-{k}"},
        "quotes": {"entity": f"synth-person-{k}-1"},
        "related-meetings": {"meeting": f"synth-meeting-{k}"},
        "sector-entities": {"sector": "synth-sector-1"},
    }

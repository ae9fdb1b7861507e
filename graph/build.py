"""Extraction -> RDF: one named graph per source document, every fact tied to the span it was read from.

The scheme (documented in `ontology/plangraph.ttl`): each fact node `prov:wasDerivedFrom` a `pg:Mention`
(`pg:source` document, `pg:start`, `pg:end`, `pg:quote`); links that need their own provenance are qualified
(`pg:Citation`, `prov:Association`) beside the direct triple; the named graph describes itself with PROV (source
file, content hash, extractor version, time). Each graph is self-contained: every node it links to is typed and
labelled inside it, so one document's graph can be validated, replaced or removed on its own.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from rdflib import Dataset, Graph, Literal, URIRef

from graph import iri
from graph.keys import KeyResolver
from graph.serialize import bind_prefixes
from ingest.document import SourceDocument, Span
from ingest.model import Agency, Anomaly, Extraction, LegalRef, Person, Programme, Target, Task
from ingest.pipeline import EXTRACTOR_VERSION
from ingest.text import fold
from ontology.terms import DCTERMS, ELI, ORG, PG, PPLAN, PROV, RDF, SCHEMA, SKOS, XSD

ROLES = {"lead": PG.Lead, "cooperating": PG.Cooperating, "directed_by": PG.DirectedBy, "recipients": PG.Recipient}
_CITING_PREDICATE = {"basis": ELI.based_on, "task": ELI.cites, "mention": ELI.cites}
# The verb nearest before an implemented symbol decides the link: "sửa đổi, bổ sung Quyết định số ..." amends it,
# "thực hiện / triển khai Nghị quyết số ..." applies it.
_AMEND_WORDS = ("sua doi", "bo sung")
_APPLY_WORDS = ("thuc hien", "trien khai", "huong dan", "quy dinh chi tiet", "cu the hoa")
_LINK_WINDOW = 400   # characters after a citation's start in which its "implements" symbols are looked for
# The RDF mapping's own version: a store rebuilds a document's graph when it changes, even for an unchanged file.
GRAPH_VERSION = "1"


@dataclass(frozen=True)
class Provenance:
    """Where a graph comes from: recorded on the named graph itself."""
    source_file: str
    content_hash: str                 # SHA-256 hex of the source file's bytes
    extractor_version: str = EXTRACTOR_VERSION
    generated_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


def build_graph(extraction: Extraction, doc: SourceDocument | None = None, *,
                provenance: Provenance | None = None) -> Dataset:
    """The Dataset holding `extraction`'s facts in the named graph `https://plangraph.vn/graph/<doc_id>`.

    With `doc`, every mention quotes `doc.text` at its span and a span outside the text raises ValueError;
    without it, quotes are the findings' own texts. Without `provenance`, the content hash is that of the
    normalised text (or of the extraction when there is no text) and the time is now.
    """
    if doc is not None and doc.id != extraction.doc_id:
        raise ValueError(f"extraction of {extraction.source} is for document {extraction.doc_id}, "
                         f"but the SourceDocument given has id {doc.id}")
    dataset = Dataset()
    bind_prefixes(dataset)
    named = dataset.graph(iri.graph_iri(extraction.doc_id))
    _Builder(named, extraction, doc).build(provenance or _default_provenance(extraction, doc))
    return dataset


def _default_provenance(extraction: Extraction, doc: SourceDocument | None) -> Provenance:
    content = doc.text if doc is not None else json.dumps(extraction.to_dict(), ensure_ascii=False, sort_keys=True)
    return Provenance(extraction.source, hashlib.sha256(content.encode("utf-8")).hexdigest())


def date_literal(printed: str | None) -> Literal | None:
    """An ISO date as the tightest XSD type ("2025-05" -> xsd:gYearMonth); None when it is not a real date."""
    if not printed:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", printed):
            return Literal(date.fromisoformat(printed))
        if re.fullmatch(r"\d{4}-\d{2}", printed) and 1 <= int(printed[5:]) <= 12:
            return Literal(printed, datatype=XSD.gYearMonth)
        if re.fullmatch(r"\d{4}", printed):
            return Literal(printed, datatype=XSD.gYear)
    except ValueError:   # "2024-02-30": an impossible date, kept as printed on the citation only
        return None
    return None


class _Builder:
    def __init__(self, graph: Graph, extraction: Extraction, doc: SourceDocument | None) -> None:
        self.g = graph
        self.x = extraction
        self.doc = doc
        self.keys = KeyResolver(extraction)
        self.doc_iri = iri.document_iri(extraction.doc_id)
        self._mentions: set[URIRef] = set()
        self._described: set[URIRef] = set()
        # agencies named only in role lists or as issuers get the provenance of the facts that name them
        self._agency_sources: dict[URIRef, set[URIRef]] = {}

    def build(self, provenance: Provenance) -> None:
        self._describe_graph(provenance)
        for agency in self.x.agencies:   # first, so that the records' canonical names label the agency nodes
            self._add_agency(agency)
        self._add_document()
        for person in self.x.people:
            self._add_person(person)
        for programme in self.x.programmes:
            self._add_programme(programme)
        task_ids = {task.id for task in self.x.tasks}
        for index, ref in enumerate(self.x.citations):
            self._add_citation(index, ref, task_ids)
        for task in self.x.tasks:
            self._add_task(task)
        for target in self.x.targets:
            self._add_target(target)
        for index, anomaly in enumerate(self.x.anomalies):
            self._add_anomaly(index, anomaly)
        self._give_agencies_provenance()

    # --- provenance ----------------------------------------------------------------------------------------
    def _describe_graph(self, provenance: Provenance) -> None:
        g, graph_node = self.g, self.g.identifier
        activity, software = iri.activity_iri(self.x.doc_id), iri.extractor_iri(provenance.extractor_version)
        when = Literal(provenance.generated_at.astimezone(timezone.utc).replace(microsecond=0))
        g.add((graph_node, RDF.type, PROV.Bundle))
        g.add((graph_node, PROV.wasDerivedFrom, self.doc_iri))
        g.add((graph_node, PROV.generatedAtTime, when))
        g.add((graph_node, PG.extractorVersion, Literal(provenance.extractor_version)))
        g.add((graph_node, PROV.wasGeneratedBy, activity))
        g.add((activity, RDF.type, PROV.Activity))
        g.add((activity, PROV.used, self.doc_iri))
        g.add((activity, PROV.endedAtTime, when))
        g.add((activity, PROV.wasAssociatedWith, software))
        g.add((software, RDF.type, PROV.SoftwareAgent))
        g.add((software, SKOS.prefLabel, Literal("plangraph extractor")))
        g.add((software, PG.extractorVersion, Literal(provenance.extractor_version)))
        g.add((self.doc_iri, PG.sourceFile, Literal(provenance.source_file)))
        g.add((self.doc_iri, PG.contentHash, Literal(provenance.content_hash)))

    def _mention(self, span: Span, own_text: str, what: str) -> URIRef:
        """The mention node for `span`; its quote is the document's text there (or the finding's own text)."""
        node = iri.mention_iri(self.x.doc_id, span)
        if node in self._mentions:
            return node
        quote = own_text
        if self.doc is not None:
            if not 0 <= span.start <= span.end <= len(self.doc.text):
                raise ValueError(f"{what}: span {span.start}-{span.end} lies outside the text of "
                                 f"{self.x.source} ({len(self.doc.text)} characters)")
            quote = span.text(self.doc)
        self._mentions.add(node)
        self.g.add((node, RDF.type, PG.Mention))
        self.g.add((node, PG.source, self.doc_iri))
        self.g.add((node, PG.start, Literal(span.start)))
        self.g.add((node, PG.end, Literal(span.end)))
        self.g.add((node, PG.quote, Literal(quote)))
        return node

    def _derive(self, node: URIRef, *sources: URIRef) -> None:
        for source in sources:
            self.g.add((node, PROV.wasDerivedFrom, source))

    # --- document and legal resources -------------------------------------------------------------------
    def _add_document(self) -> None:
        g, meta, node = self.g, self.x.meta, self.doc_iri
        g.add((node, RDF.type, PG.Document))
        if self.x.tasks:
            g.add((node, RDF.type, PPLAN.Plan))
        self._add_optional(node, DCTERMS.title, meta.title)
        self._add_optional(node, PG.province, meta.province)
        if meta.doc_type:
            g.add((node, ELI.type_document, self._doctype(meta.doc_type)))
        issued = date_literal(meta.issued_date)
        if issued is not None:
            g.add((node, ELI.date_document, issued))
        for issuer in meta.issuers:
            g.add((node, ELI.passed_by, self._agency_named(issuer, node)))
        own_key = self.keys.document_key()
        if own_key and meta.doc_type and meta.symbol:
            own = iri.legal_iri(own_key)
            self._add_legal_resource(own, meta.doc_type, meta.symbol, meta.issued_date, meta.issuers, node)
            g.add((node, ELI.realizes, own))

    def _doctype(self, doc_type: str) -> URIRef:
        concept = iri.doctype_iri(doc_type)
        if concept not in self._described:
            self._described.add(concept)
            self.g.add((concept, RDF.type, SKOS.Concept))
            self.g.add((concept, SKOS.prefLabel, Literal(doc_type)))
            self.g.add((concept, SKOS.inScheme, PG.DocumentTypes))
        return concept

    def _add_legal_resource(self, node: URIRef, doc_type: str, symbol: str, printed_date: str | None,
                            issuers: list[str], source: URIRef) -> None:
        g = self.g
        if node not in self._described:   # the first citation names it; other spellings become aliases
            self._described.add(node)
            g.add((node, RDF.type, ELI.LegalResource))
            g.add((node, ELI.id_local, Literal(symbol)))
            g.add((node, ELI.type_document, self._doctype(doc_type)))
        elif (node, ELI.id_local, Literal(symbol)) not in g:
            g.add((node, SKOS.altLabel, Literal(symbol)))
        printed = date_literal(printed_date)
        if printed is not None:
            g.add((node, ELI.date_document, printed))
        for issuer in issuers:
            g.add((node, ELI.passed_by, self._agency_named(issuer, source)))
        self._derive(node, source)

    def _add_citation(self, index: int, ref: LegalRef, task_ids: set[str]) -> None:
        g = self.g
        cited = iri.legal_iri(self.keys.citation_key(index))
        mention = self._mention(ref.span, ref.text, f"citation of {ref.symbol}")
        self._add_legal_resource(cited, ref.doc_type, ref.symbol, ref.date, [ref.issuer] if ref.issuer else [],
                                 mention)
        citer = self._citer(ref, task_ids)
        citation = iri.citation_iri(self.x.doc_id, index)
        g.add((citer, _CITING_PREDICATE[ref.relation], cited))
        g.add((citer, PG.qualifiedCitation, citation))
        g.add((citation, RDF.type, PG.Citation))
        g.add((citation, PG.citedResource, cited))
        g.add((citation, PG.relation, Literal(ref.relation)))
        if ref.date:
            g.add((citation, PG.printedDate, date_literal(ref.date) or Literal(ref.date)))
        self._derive(citation, mention)
        for symbol in ref.implements:
            self._link_implemented(cited, ref, symbol)

    def _citer(self, ref: LegalRef, task_ids: set[str]) -> URIRef:
        if ref.relation != "task" or ref.task_id is None:
            return self.doc_iri
        if ref.task_id not in task_ids:
            raise ValueError(f"citation of {ref.symbol} in {self.x.source} names task {ref.task_id!r}, "
                             f"which is not among the document's {len(task_ids)} tasks")
        return iri.task_iri(self.x.doc_id, ref.task_id)

    def _link_implemented(self, cited: URIRef, ref: LegalRef, symbol: str) -> None:
        key = self.keys.symbol_key(symbol)
        if key is None:
            self.g.add((cited, PG.implementsSymbol, Literal(symbol)))
            return
        implemented = iri.legal_iri(key)
        if implemented != cited:
            self.g.add((cited, ELI.amends if self._says_amends(ref, symbol) else ELI.applies, implemented))

    def _says_amends(self, ref: LegalRef, symbol: str) -> bool:
        """Whether the verb nearest before `symbol`, after the citation starts, is "sửa đổi" / "bổ sung"."""
        window = ref.text
        if self.doc is not None:
            window = self.doc.text[ref.span.start:ref.span.start + max(_LINK_WINDOW, len(ref.text))]
        folded = fold(window)
        at = folded.find(fold(symbol))
        before = folded[:at] if at >= 0 else folded
        last_amend = max(before.rfind(word) for word in _AMEND_WORDS)
        last_apply = max(before.rfind(word) for word in _APPLY_WORDS)
        return last_amend > last_apply

    # --- agents ------------------------------------------------------------------------------------------
    def _add_agency(self, agency: Agency) -> None:
        g, node = self.g, iri.agency_iri(agency.key or self.keys.agency_key(agency.name))
        g.add((node, RDF.type, ORG.Organization))
        # two records with one key (the resolver merged them): the first name is the label, the others aliases
        g.add((node, SKOS.altLabel if node in self._described else SKOS.prefLabel, Literal(agency.name)))
        self._described.add(node)
        for alias in sorted(set(agency.aliases) - {agency.name}):
            g.add((node, SKOS.altLabel, Literal(alias)))
        self._add_optional(node, PG.province, agency.province)
        self._add_optional(node, PG.kind, agency.kind)
        mentions = [self._mention(m.span, m.surface, f"agency {agency.name}") for m in agency.mentions]
        self._derive(node, *mentions)
        self._agency_sources.setdefault(node, set())   # without mentions: see _give_agencies_provenance
        if agency.parent:
            parent = iri.agency_iri(agency.parent)
            g.add((node, ORG.subOrganizationOf, parent))
            g.add((parent, RDF.type, ORG.Organization))
            self._agency_sources.setdefault(parent, set()).update(mentions)

    def _agency_named(self, name: str, source: URIRef) -> URIRef:
        """The agency node for a canonical name, labelled here if no Agency record describes it."""
        node = iri.agency_iri(self.keys.agency_key(name))
        if node not in self._described:
            self._described.add(node)
            self.g.add((node, RDF.type, ORG.Organization))
            self.g.add((node, SKOS.prefLabel, Literal(name)))
        self._agency_sources.setdefault(node, set()).add(source)
        return node

    def _give_agencies_provenance(self) -> None:
        """An agency with no mention of its own is derived from the facts that name it (task rows, citations),
        or, when nothing names it, from the document as a whole."""
        for node, sources in self._agency_sources.items():
            if (node, PROV.wasDerivedFrom, None) not in self.g:
                self._derive(node, *(sorted(sources) or [self.doc_iri]))

    def _add_person(self, person: Person) -> None:
        g, node = self.g, iri.person_iri(self.keys.person_key(person))
        self._described.add(node)
        g.add((node, RDF.type, PROV.Person))
        g.add((node, SKOS.prefLabel, Literal(person.name)))
        for alias in sorted(set(person.aliases) - {person.name}):
            g.add((node, SKOS.altLabel, Literal(alias)))
        self._add_optional(node, SCHEMA.jobTitle, person.role)
        self._derive(node, self._mention(person.span, person.name, f"person {person.name}"))

    def _director(self, name: str, source: URIRef) -> URIRef:
        """Who a "directed by" entry names: a person of the document, an agency, or else a post as printed."""
        person = self.keys.person(name)
        if person is not None:
            return iri.person_iri(self.keys.person_key(person))
        if self.keys.agency(name) is not None:
            return self._agency_named(name, source)
        post = iri.post_iri(self.x.doc_id, name)
        self.g.add((post, RDF.type, ORG.Post))
        self.g.add((post, SKOS.prefLabel, Literal(name)))
        self._derive(post, source)
        return post

    def _add_roles(self, owner: URIRef, roles: dict[str, list[str]], source: URIRef) -> None:
        for role, names in roles.items():
            for index, name in enumerate(names):
                agent = self._director(name, source) if role == "directed_by" else self._agency_named(name, source)
                association = iri.association_iri(owner, role, index)
                self.g.add((owner, PROV.qualifiedAssociation, association))
                self.g.add((association, RDF.type, PROV.Association))
                self.g.add((association, PROV.agent, agent))
                self.g.add((association, PROV.hadRole, ROLES[role]))
                self._derive(association, source)

    # --- tasks, targets, programmes, anomalies ----------------------------------------------------------
    def _add_task(self, task: Task) -> None:
        g, node = self.g, iri.task_iri(self.x.doc_id, task.id)
        mention = self._mention(task.span, task.text, f"task {task.id}")
        g.add((node, RDF.type, PPLAN.Step))
        g.add((node, PPLAN.isStepOfPlan, self.doc_iri))
        g.add((node, DCTERMS.identifier, Literal(task.id)))
        g.add((node, DCTERMS.description, Literal(task.text)))
        g.add((node, PG.kind, Literal(task.kind)))
        self._add_optional(node, PG.section, task.section)
        self._add_optional(node, PG.period, task.period)
        if task.deadline:
            g.add((node, PG.deadline, date_literal(task.deadline) or Literal(task.deadline)))
        for name in task.ambiguous:
            g.add((node, PG.ambiguous, Literal(name)))
        self._derive(node, mention)
        self._add_roles(node, {"lead": task.lead, "cooperating": task.cooperating,
                               "directed_by": task.directed_by, "recipients": task.recipients}, mention)
        for index, product in enumerate(task.products):
            self._add_product(node, index, product, mention)
        for name in task.programmes:
            g.add((node, PG.servesProgramme, self._programme_named(name, mention)))
        self._add_task_citations(node, task, mention)

    def _add_product(self, task: URIRef, index: int, product: str, source: URIRef) -> None:
        node = iri.product_iri(task, index)
        self.g.add((node, RDF.type, PPLAN.Variable))
        self.g.add((node, SKOS.prefLabel, Literal(product)))
        self.g.add((node, PPLAN.isOutputVarOf, task))
        self._derive(node, source)

    def _add_task_citations(self, node: URIRef, task: Task, source: URIRef) -> None:
        """Symbols a task lists that no citation of the document already ties to this task."""
        tied = {fold(ref.symbol) for ref in self.x.citations if ref.relation == "task" and ref.task_id == task.id}
        for position, symbol in enumerate(task.citations):
            if fold(symbol) in tied:
                continue
            key = self.keys.symbol_key(symbol)
            if key is None:
                self.g.add((node, PG.symbol, Literal(symbol)))
                continue
            cited, citation = iri.legal_iri(key), URIRef(f"{node}/citation/{position}")
            self.g.add((node, ELI.cites, cited))
            self.g.add((node, PG.qualifiedCitation, citation))
            self.g.add((citation, RDF.type, PG.Citation))
            self.g.add((citation, PG.citedResource, cited))
            self.g.add((citation, PG.relation, Literal("task")))
            self._derive(citation, source)
            self._derive(cited, source)

    def _add_target(self, target: Target) -> None:
        g, node = self.g, iri.target_iri(self.x.doc_id, target.id)
        mention = self._mention(target.span, target.text, f"target {target.id}")
        g.add((node, RDF.type, PG.Target))
        g.add((node, PG.targetOf, self.doc_iri))
        g.add((node, DCTERMS.identifier, Literal(target.id)))
        g.add((node, DCTERMS.description, Literal(target.text)))
        for predicate, value in ((PG.value, target.value), (PG.unit, target.unit), (PG.year, target.year)):
            self._add_optional(node, predicate, value)
        self._derive(node, mention)
        self._add_roles(node, {"lead": target.lead}, mention)

    def _add_programme(self, programme: Programme) -> None:
        g, node = self.g, iri.programme_iri(self.keys.programme_key(programme))
        self._described.add(node)
        g.add((node, RDF.type, PG.Programme))
        g.add((node, SKOS.prefLabel, Literal(programme.name)))
        for alias in sorted(set(programme.aliases) - {programme.name}):
            g.add((node, SKOS.altLabel, Literal(alias)))
        self._add_optional(node, PG.kind, programme.kind)
        self._add_optional(node, PG.province, programme.province)
        for symbol in programme.approved_by:
            key = self.keys.symbol_key(symbol)
            if key is None:
                g.add((node, PG.approvedBySymbol, Literal(symbol)))
            else:
                g.add((node, PG.approvedBy, iri.legal_iri(key)))
        self._derive(node, self._mention(programme.span, programme.name, f"programme {programme.name}"))

    def _programme_named(self, name: str, source: URIRef) -> URIRef:
        node = iri.programme_iri(self.keys.named_programme_key(name))
        if self.keys.programme(name) is not None:
            return node
        if node not in self._described:   # named by tasks only: they are its provenance
            self._described.add(node)
            self.g.add((node, RDF.type, PG.Programme))
            self.g.add((node, SKOS.prefLabel, Literal(name)))
        self._derive(node, source)
        return node

    def _add_anomaly(self, index: int, anomaly: Anomaly) -> None:
        g, node = self.g, iri.anomaly_iri(self.x.doc_id, index)
        g.add((node, RDF.type, PG.Anomaly))
        g.add((node, PG.kind, Literal(anomaly.kind)))
        g.add((node, DCTERMS.description, Literal(anomaly.detail)))
        g.add((node, PG.foundIn, self.doc_iri))
        for symbol in anomaly.symbols:
            g.add((node, PG.symbol, Literal(symbol)))
            key = self.keys.symbol_key(symbol)
            if key is not None:
                g.add((node, PG.concerns, iri.legal_iri(key)))
        spans = [self._mention(span, "", f"anomaly {anomaly.kind}") for span in anomaly.spans]
        self._derive(node, *(spans or [self.doc_iri]))   # no span: read from the document as a whole

    def _add_optional(self, node: URIRef, predicate: URIRef, value: str | None) -> None:
        if value:
            self.g.add((node, predicate, Literal(value)))

"""The model as a graph, and the derived facts of docs/MODEL.md that rules read.

Built once per analysis. Every fact is computed in time linear in the model: path
questions are answered by reachability over per-data-class flow graphs, never by
enumerating simple paths.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from .model import (
    CUSTODY_RANK,
    REGULATED_TAGS,
    Boundary,
    DataClass,
    Element,
    Flow,
    Key,
    Policy,
    System,
)

# Exposure X of docs/MODEL.md.
SAME_BOUNDARY, CROSSES_INTERNAL, THIRD_PARTY, INTERNET = 1, 2, 3, 4
UNPROTECTED_KEY_SENSITIVITY = 3
# docs/MODEL.md "Unstated facts": data a flow or store does not state is assumed
# confidential for severity, and the evidence says so.
ASSUMED_SENSITIVITY = 2
ASSUMED_DATA = "data unstated, assumed confidential"
# The most hops a finding about one journey keeps (the ones nearest where it ends).
JOURNEY_HOPS = 100


@dataclass(frozen=True, slots=True)
class _Protection:
    """What a key protects: its stores as a bit set, their highest S, and the data classes
    at the highest sensitivity they hold at rest (for the tags a +1 step names)."""

    bits: int
    top: int
    held_top: int
    held_data: frozenset[str]


class SystemGraph:
    """A System with its flows as adjacency lists, plus the derived facts."""

    def __init__(self, system: System, policy: Policy) -> None:
        self.system = system
        self.policy = policy
        self.today: date = policy.today or date.today()
        self.elements: dict[str, Element] = {e.id: e for e in system.elements}
        self.flows: dict[str, Flow] = {f.id: f for f in system.flows}
        self.keys: dict[str, Key] = {k.id: k for k in system.keys}
        self.data: dict[str, DataClass] = {d.id: d for d in system.data}
        self.boundaries: dict[str, Boundary] = {b.id: b for b in system.boundaries}

        self._tags_cache: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._journeys: dict[str, dict[str, tuple[str, str] | None]] = {}
        self._flows_in: dict[str, list[Flow]] = defaultdict(list)
        self._flows_out: dict[str, list[Flow]] = defaultdict(list)
        for flow in system.flows:
            self._flows_out[flow.source].append(flow)
            self._flows_in[flow.target].append(flow)

    @cached_property
    def _labels(self) -> dict[str, str]:
        labels: dict[str, str] = {}
        for table in (self.boundaries, self.data, self.keys, self.flows, self.elements):
            labels.update((item_id, item.name or item_id) for item_id, item in table.items())
        return labels

    def label(self, item_id: str) -> str:
        """The display name of any element, flow, key, data class or boundary."""
        return self._labels.get(item_id, item_id)

    def describe(self, item_id: str) -> str:
        """A label a reader recognises; a flow without a name reads "source -> target"."""
        flow = self.flows.get(item_id)
        if flow is not None and not flow.name:
            return f"{self.label(flow.source)} -> {self.label(flow.target)}"
        return self.label(item_id)

    def flows_in(self, element_id: str) -> list[Flow]:
        return self._flows_in.get(element_id, [])

    def flows_out(self, element_id: str) -> list[Flow]:
        return self._flows_out.get(element_id, [])

    def flows_of(self, element_id: str) -> Iterator[Flow]:
        yield from self.flows_in(element_id)
        yield from self.flows_out(element_id)

    def boundary_chain(self, boundary_id: str | None) -> list[Boundary]:
        """The boundary and its ancestors, innermost first (loads reject cycles)."""
        chain: list[Boundary] = []
        while boundary_id and boundary_id in self.boundaries and len(chain) <= len(self.boundaries):
            boundary = self.boundaries[boundary_id]
            chain.append(boundary)
            boundary_id = boundary.parent
        return chain

    def _inherited(self, pick: Callable[[Boundary, Any], Any]) -> dict[str, Any]:
        """Per boundary, `pick(boundary, parent's value)`, each boundary computed once
        from its parent's: linear however deep the nesting."""
        values: dict[str, object] = {}
        for start in self.boundaries:
            pending: list[str] = []
            here: str | None = start
            while here and here in self.boundaries and here not in values:
                if len(pending) > len(self.boundaries):
                    break  # a cycle (loads reject them); stop rather than loop
                pending.append(here)
                here = self.boundaries[here].parent
            inherited = values.get(here) if here else None
            for boundary_id in reversed(pending):
                inherited = pick(self.boundaries[boundary_id], inherited)
                values[boundary_id] = inherited
        return values

    @cached_property
    def _boundary_kinds(self) -> dict[str, frozenset[str]]:
        return self._inherited(lambda b, outer: (outer or frozenset()) | {b.kind})

    @cached_property
    def _boundary_env(self) -> dict[str, str | None]:
        return self._inherited(lambda b, outer: b.env or outer)

    @cached_property
    def _boundary_mesh(self) -> dict[str, str | None]:
        return self._inherited(lambda b, outer: b.mesh or outer)

    @cached_property
    def _element_boundary_kinds(self) -> dict[str, frozenset[str]]:
        """Per element, the kinds of its boundary and of every boundary around it."""
        kinds, none = self._boundary_kinds, frozenset[str]()
        return {
            e.id: kinds.get(e.boundary, none) if e.boundary is not None else none
            for e in self.system.elements
        }

    def in_boundary_kind(self, element_id: str, kind: str) -> bool:
        return kind in self._element_boundary_kinds[element_id]

    def env(self, element_id: str) -> str | None:
        """The element's environment, inherited from the nearest boundary stating one."""
        return self._boundary_env.get(self.elements[element_id].boundary or "")

    def mesh(self, boundary_id: str | None) -> str | None:
        """The mesh mode of a boundary, inherited from the nearest boundary stating one."""
        return self._boundary_mesh.get(boundary_id or "")

    def mesh_encrypts(self, flow: Flow) -> bool:
        """Both ends sit in boundaries with a strict mesh: their sidecars speak mTLS,
        whatever protocol the application uses."""
        strict = self._strict_mesh
        return flow.source in strict and flow.target in strict

    @cached_property
    def _strict_mesh(self) -> frozenset[str]:
        """The elements inside a boundary with a strict mesh (stated or inherited)."""
        return frozenset(e.id for e in self.system.elements if self.mesh(e.boundary) == "strict")

    def mesh_modes(self, flow: Flow) -> tuple[str | None, str | None]:
        return (
            self.mesh(self.elements[flow.source].boundary),
            self.mesh(self.elements[flow.target].boundary),
        )

    def readable_on_wire(self, flow: Flow) -> bool:
        """A hop anyone on the wire can read: a plaintext (or unstated) protocol that no
        strict mesh wraps in mTLS. `in-process` never crosses a wire."""
        if flow.protocol == "in-process" or flow.encrypted:
            return False
        return not self.mesh_encrypts(flow)

    @cached_property
    def out_of_scope(self) -> tuple[frozenset[str], frozenset[str]]:
        """IDs of the elements and of the flows marked out_of_scope."""
        return (
            frozenset(e.id for e in self.system.elements if e.out_of_scope),
            frozenset(f.id for f in self.system.flows if f.out_of_scope),
        )

    def crosses_boundary(self, flow: Flow) -> bool:
        return self.elements[flow.source].boundary != self.elements[flow.target].boundary

    @cached_property
    def internet_facing(self) -> frozenset[str]:
        """Elements marked internet_facing, or reached by a flow from the internet."""
        facing = {e.id for e in self.system.elements if e.internet_facing}
        facing.update(
            f.target for f in self.system.flows if self.in_boundary_kind(f.source, "internet")
        )
        return frozenset(facing)

    # -- sensitivity S -----------------------------------------------------------------

    @cached_property
    def _data_positions(self) -> dict[str, int]:
        return {d.id: index for index, d in enumerate(self.system.data)}

    def data_position(self, data: DataClass | str) -> int:
        """Where a data class is in the model: sort by it to list data in model order."""
        return self._data_positions.get(data if isinstance(data, str) else data.id, 0)

    @cached_property
    def _sensitivity(self) -> dict[str, int]:
        """S of each data class, worked out once (rules ask it for every flow and store)."""
        return {d.id: d.sensitivity for d in self.system.data}

    def data_sensitivity(self, data_ids: Iterable[str] | None) -> int:
        known = self._sensitivity
        return max((known[d] for d in data_ids or () if d in known), default=0)

    @cached_property
    def _flow_sensitivity(self) -> dict[str, int]:
        return {
            f.id: ASSUMED_SENSITIVITY if f.data is None else self.data_sensitivity(f.data)
            for f in self.system.flows
        }

    def flow_sensitivity(self, flow: Flow) -> int:
        return self._flow_sensitivity[flow.id]

    def held_at_rest(self, element_id: str) -> tuple[str, ...]:
        """Data classes at rest in an element; a backup holds what its source holds."""
        return self._at_rest[element_id] or ()

    def keeps_data(self, element: Element) -> bool:
        """A store, or a service, gateway or function that says it keeps data at rest
        (`stores`, `encryption` or `key`): the at-rest and key rules treat it as a store."""
        return element.id in self._keeping

    @cached_property
    def _keeping(self) -> frozenset[str]:
        """The elements that keep data, decided once: half the rules ask about each."""
        return frozenset(
            e.id
            for e in self.system.elements
            if e.is_store or (e.is_service and bool(e.stores or e.encryption is not None or e.key))
        )

    def stores_unstated(self, element_id: str) -> bool:
        """The element (a backup: its source) does not say what it keeps at rest."""
        return self._at_rest[element_id] is None

    def data_arriving(self, element_id: str) -> tuple[str, ...]:
        """The stated data classes on the flows into an element (a backup: its source)."""
        source = self._backup_source[element_id]
        return tuple(dict.fromkeys(d for f in self.flows_in(source) for d in f.data or ()))

    def rest_sensitivity(self, element_id: str) -> tuple[int, tuple[str, ...], bool]:
        """S of what an element keeps at rest, the data classes it rests on, and whether
        it is assumed.

        What the element states it stores; if it states nothing, what the flows into it
        bring (a store keeps what it is sent); if they state nothing either, assumed
        confidential. An explicit `stores: []` is stated: nothing at rest.
        """
        held = self.held_at_rest(element_id)
        if not self.stores_unstated(element_id):
            return self.data_sensitivity(held), held, False
        source = self._backup_source[element_id]
        arriving = self.data_arriving(element_id)
        unstated_in = any(f.data is None for f in self.flows_in(source))
        if not arriving or unstated_in:
            s = max(ASSUMED_SENSITIVITY, self.data_sensitivity(arriving))
            return s, arriving, True
        return self.data_sensitivity(arriving), arriving, False

    @cached_property
    def _backup_source(self) -> dict[str, str]:
        """Each element's ultimate backup source (itself when it is no backup)."""
        result: dict[str, str] = {}
        for element in self.system.elements:
            pending: list[str] = []
            here = element
            while here.id not in result and here.backup_of in self.elements:
                if len(pending) > len(self.elements):
                    break
                pending.append(here.id)
                here = self.elements[here.backup_of]
            source = result.get(here.id, here.id)
            result[here.id] = source
            for element_id in pending:
                result[element_id] = source
        return result

    @cached_property
    def _at_rest(self) -> dict[str, tuple[str, ...] | None]:
        """Each backup resolved to its source once, however long the chain of backups."""
        result: dict[str, tuple[str, ...] | None] = {}
        for element in self.system.elements:
            pending: list[str] = []
            here = element
            while here.id not in result and here.backup_of in self.elements:
                if len(pending) > len(self.elements):
                    break  # a cycle (loads reject them)
                pending.append(here.id)
                here = self.elements[here.backup_of]
            held = result.get(here.id, here.stores)
            result[here.id] = held
            for element_id in pending:
                result[element_id] = held
        return result

    @cached_property
    def _resting(self) -> dict[str, list[str]]:
        resting: dict[str, list[str]] = defaultdict(list)
        for element in self.system.elements:
            if self.keeps_data(element):
                for data_id in dict.fromkeys(self.held_at_rest(element.id)):
                    resting[data_id].append(element.id)
        return resting

    def stores_holding(self, data_id: str) -> list[str]:
        """Stores (backups included) that hold the data class at rest, in model order."""
        return self._resting.get(data_id, [])

    @cached_property
    def _element_sensitivity(self) -> dict[str, int]:
        # What passes through each element: the highest S of its flows, in one pass.
        through: dict[str, int] = {}
        for flow_id, s in self._flow_sensitivity.items():
            flow = self.flows[flow_id]
            if s > through.get(flow.source, 0):
                through[flow.source] = s
            if s > through.get(flow.target, 0):
                through[flow.target] = s
        result: dict[str, int] = {}
        for element in self.system.elements:
            passing = through.get(element.id, 0)
            if not self.keeps_data(element):
                result[element.id] = passing
                continue
            at_rest = self.rest_sensitivity(element.id)[0]
            # docs/MODEL.md: a store counts what it keeps (stated, else what it is sent,
            # else assumed confidential); a broker, a log sink and a service that keeps
            # data also count what passes through them.
            if element.kind in ("broker", "log-sink") or element.is_service:
                result[element.id] = max(at_rest, passing)
            else:
                result[element.id] = at_rest
        return result

    def element_sensitivity(self, element_id: str) -> int:
        return self._element_sensitivity[element_id]

    def regulated_tags(self, data_ids: Iterable[str] | None) -> tuple[str, ...]:
        """The regulated tags of the most sensitive data classes: what a +1 step names."""
        data_ids = tuple(data_ids or ())
        if data_ids not in self._tags_cache:
            self._tags_cache[data_ids] = self._regulated_tags(data_ids)
        return self._tags_cache[data_ids]

    def _regulated_tags(self, data_ids: tuple[str, ...]) -> tuple[str, ...]:
        known = [d for d in data_ids if d in self.data]
        top = self.data_sensitivity(known)
        sensitivity = self._sensitivity
        tags = (t for d in known if sensitivity[d] == top for t in self.data[d].tags)
        return tuple(dict.fromkeys(t for t in tags if t in REGULATED_TAGS))

    def data_with_tags(self, data_ids: Iterable[str], tags: Iterable[str]) -> list[str]:
        wanted = set(tags)
        return [d for d in data_ids if d in self.data and wanted.intersection(self.data[d].tags)]

    # -- exposure X --------------------------------------------------------------------

    @cached_property
    def _flow_exposure(self) -> dict[str, int]:
        # Per element, what its boundaries alone expose it to (None: neither).
        reach: dict[str, int | None] = {}
        for element_id, kinds in self._element_boundary_kinds.items():
            if "internet" in kinds:
                reach[element_id] = INTERNET
            elif "third-party" in kinds:
                reach[element_id] = THIRD_PARTY
            else:
                reach[element_id] = None
        exposure = {}
        elements = self.elements
        for flow in self.system.flows:
            source, target = reach[flow.source], reach[flow.target]
            if INTERNET in (source, target):
                exposure[flow.id] = INTERNET
            elif THIRD_PARTY in (source, target):
                exposure[flow.id] = THIRD_PARTY
            elif elements[flow.source].boundary != elements[flow.target].boundary:
                exposure[flow.id] = CROSSES_INTERNAL
            else:
                exposure[flow.id] = SAME_BOUNDARY
        return exposure

    def flow_exposure(self, flow: Flow) -> int:
        return self._flow_exposure[flow.id]

    def store_exposure(self, element_id: str) -> int:
        if self.elements[element_id].public_access:
            return INTERNET
        return max(
            (self.flow_exposure(f) for f in self.flows_in(element_id)), default=SAME_BOUNDARY
        )

    # -- keys --------------------------------------------------------------------------

    @cached_property
    def _stores_by_key(self) -> dict[str, list[str]]:
        stores: dict[str, list[str]] = defaultdict(list)
        for element in self.system.elements:
            if element.key:
                stores[element.key].append(element.id)
        return stores

    def stores_encrypted_with(self, key_id: str) -> list[str]:
        return self._stores_by_key.get(key_id, [])

    @cached_property
    def _holders_by_key(self) -> dict[str, list[str]]:
        holders: dict[str, list[str]] = defaultdict(list)
        for element in self.system.elements:
            for key_id in element.uses_keys:
                holders[key_id].append(element.id)
        return holders

    def services_holding(self, key_id: str) -> list[str]:
        return self._holders_by_key.get(key_id, [])

    @cached_property
    def _wrapped_by(self) -> dict[str, list[str]]:
        parents: dict[str, list[str]] = defaultdict(list)
        for key in self.system.keys:
            for child in key.wraps:
                parents[child].append(key.id)
        return parents

    def wrapped_by(self, key_id: str) -> list[str]:
        return self._wrapped_by.get(key_id, [])

    @cached_property
    def _key_order(self) -> list[str]:
        """Keys with every wrapped key before the keys wrapping it (loads reject cycles)."""
        order: list[str] = []
        state: dict[str, int] = {}  # 1 while its wrapped keys are visited, 2 when done
        for root in self.keys:
            if root in state:
                continue
            state[root] = 1
            stack = [(root, iter(self.keys[root].wraps))]
            while stack:
                key_id, children = stack[-1]
                child = next(children, None)
                if child is None:
                    stack.pop()
                    state[key_id] = 2
                    order.append(key_id)
                elif child in self.keys and child not in state:
                    state[child] = 1
                    stack.append((child, iter(self.keys[child].wraps)))
        return order

    @cached_property
    def _protection(self) -> dict[str, _Protection]:
        """What each key protects, directly or through the keys it wraps, summarised.

        Built bottom-up over the wrapping DAG so each key is computed once from the keys
        it wraps. The protected set itself is a bit set over the stores (a Python int:
        the union of a child's set is one OR, and a chain of 8,000 keys costs
        milliseconds, where a set per key cost seconds); sensitivity and tags merge as
        maxima, so nothing grows with the depth of the chain.
        """
        index = {s: i for i, s in enumerate(sorted(self._keyed_stores))}
        result: dict[str, _Protection] = {}
        for key_id in self._key_order:
            bits, top = 0, -1
            for store in self.stores_encrypted_with(key_id):
                bits |= 1 << index[store]
                s = self.element_sensitivity(store)
                top = max(top, s)
            held = frozenset(
                d for store in self.stores_encrypted_with(key_id) for d in self.held_at_rest(store)
            )
            held_top, held_data = self._top_data(held)
            for child in self.keys[key_id].wraps:
                if child not in result:
                    continue
                sub = result[child]
                bits |= sub.bits
                top = max(top, sub.top)
                if sub.held_top > held_top:
                    held_top, held_data = sub.held_top, sub.held_data
                elif sub.held_top == held_top and sub.held_data is not held_data:
                    held_data = held_data | sub.held_data
            result[key_id] = _Protection(bits, top, held_top, held_data)
        return result

    @cached_property
    def _keyed_stores(self) -> list[str]:
        return sorted({s for stores in self._stores_by_key.values() for s in stores})

    def _top_data(self, data_ids: frozenset[str]) -> tuple[int, frozenset[str]]:
        """The highest sensitivity among the data classes, and those at that level."""
        known = [d for d in data_ids if d in self.data]
        if not known:
            return -1, frozenset()
        sensitivity = self._sensitivity
        top = max(sensitivity[d] for d in known)
        return top, frozenset(d for d in known if sensitivity[d] == top)

    def protected_set(self, key_id: str) -> frozenset[str]:
        """The stores a key protects, directly or through the keys it wraps."""
        protection = self._protection.get(key_id)
        if protection is None:
            return frozenset()
        stores, bits, members = self._keyed_stores, protection.bits, []
        while bits:
            low = bits & -bits
            members.append(stores[low.bit_length() - 1])
            bits ^= low
        return frozenset(members)

    def first_protected(self, key_id: str, count: int) -> list[str]:
        """The first `count` stores a key protects, in ID order, without building the set."""
        protection = self._protection.get(key_id)
        bits, found = (protection.bits if protection else 0), list[str]()
        while bits and len(found) < count:
            low = bits & -bits
            found.append(self._keyed_stores[low.bit_length() - 1])
            bits ^= low
        return found

    def blast_radius(self, key_id: str) -> int:
        protection = self._protection.get(key_id)
        return protection.bits.bit_count() if protection else 0

    def key_sensitivity(self, key_id: str) -> int:
        protection = self._protection.get(key_id)
        if protection is None or not protection.bits:
            return UNPROTECTED_KEY_SENSITIVITY
        return protection.top

    def key_tags(self, key_id: str) -> tuple[str, ...]:
        """The regulated tags of the most sensitive data the key's stores hold at rest."""
        protection = self._protection.get(key_id)
        if protection is None:
            return ()
        return self.regulated_tags(sorted(protection.held_data))

    @staticmethod
    def custody_rank(custody: str | None) -> int:
        """Lower is stronger; an unstated custody ranks weakest."""
        return CUSTODY_RANK.index(custody) if custody in CUSTODY_RANK else len(CUSTODY_RANK)

    # -- paths -------------------------------------------------------------------------

    @cached_property
    def _carriers(self) -> dict[str, list[Flow]]:
        by_data: dict[str, list[Flow]] = defaultdict(list)
        for flow in self.system.flows:
            for data_id in flow.data or ():
                by_data[data_id].append(flow)
        return by_data

    def flows_carrying(self, data_id: str) -> list[Flow]:
        return self._carriers.get(data_id, [])

    def entry_points(self, data_id: str) -> list[str]:
        """Where a data class enters (sent without being received) or rests, sorted."""
        carriers = self.flows_carrying(data_id)
        entries = {f.source for f in carriers} - {f.target for f in carriers}
        entries.update(self.stores_holding(data_id))
        return sorted(entries)

    def journeys_of(self, data_id: str) -> dict[str, tuple[str, str] | None]:
        """`reach` from the data class's entry points over the flows carrying it: the
        journeys the log and end-to-end rules both read, searched once per analysis.
        Callers must not change the result."""
        if data_id not in self._journeys:
            carriers = self.flows_carrying(data_id)
            self._journeys[data_id] = self.reach(self.entry_points(data_id), carriers)
        return self._journeys[data_id]

    def reach(
        self, starts: Iterable[str], flows: Iterable[Flow]
    ) -> dict[str, tuple[str, str] | None]:
        """Breadth-first reachability over the given flows.

        Returns each reached element with the (previous element, flow ID) it was first
        reached by, so one shortest journey to it can be read back with `journey`.
        """
        out: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for flow in flows:
            out[flow.source].append((flow.target, flow.id))
        came_from: dict[str, tuple[str, str] | None] = {}
        queue: list[str] = []  # read from the front by index: no element is queued twice
        for start in starts:
            if start not in came_from:
                came_from[start] = None
                queue.append(start)
        nowhere: list[tuple[str, str]] = []
        for here in queue:  # the loop sees what is appended while it runs
            for target, flow_id in out.get(here, nowhere):
                if target not in came_from:
                    came_from[target] = (here, flow_id)
                    queue.append(target)
        return came_from

    @staticmethod
    def journey(
        came_from: dict[str, tuple[str, str] | None], end: str, limit: int | None = None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Elements and flows of the recorded journey that ends at `end`.

        With a `limit`, only its last `limit` hops: a rule that reports one journey per
        finding keeps its output proportional to the findings, not to path lengths.
        """
        elements, flows = [end], list[str]()
        step = came_from.get(end)
        while step is not None and (limit is None or len(flows) < limit):
            previous, flow_id = step
            elements.append(previous)
            flows.append(flow_id)
            step = came_from.get(previous)
        return tuple(reversed(elements)), tuple(reversed(flows))

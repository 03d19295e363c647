"""Statistical disclosure control of the peer figures: pure functions, no ORM.

The approach is the one statistical offices use for linked tables (Hundepool et al.,
*Statistical Disclosure Control*, 2012, chapter 4; the ESSnet handbook, 2010):
**primary suppression** of groups below the threshold, then **secondary cell suppression**
checked by an **audit by linear algebra**, applied to the union of the current and the
previous release against **temporal differencing**.

- A *unit* is one submitted diagnostic counted in the cohort. A published *figure* is one
  group of peers (a segment) as it stood at one release: the units present then. Every
  published number (count, share per option, mean, percentile cut point) is built from the
  values of the units of one figure, so an attacker who adds and subtracts figures can at
  best compute sums over linear combinations of figures.
- The *atoms* are the classes of units that belong to exactly the same figures. Any linear
  combination of figures is constant on atoms. A set of fewer than ``min_group`` units is
  isolated exactly when it is a union of atoms whose indicator vector lies in the row space
  of the figures' indicator vectors (over the atoms). The audit tests this for every union
  of atoms with 1 to ``min_group - 1`` members (the rank test, turned into a sum of numbers
  by a random null-space vector, each hit checked exactly; see ``disclosed_unions``), and
  suppresses one more figure for each disjoint union found until none remains (greedy
  secondary suppression; an optimal one, as in tau-ARGUS, would hide less, never more
  safely). Where the small atoms are too many for the search (thousands), it hides the
  most detailed level of groups still published and checks again: coarser, just as safe.
- Across releases, a group's figure changes only when at least ``min_group`` clusters
  joined or left it since the figure it replaces (otherwise the old figure stays); a
  figure that counted a withdrawn unit is never shown again. The audit runs on the figures
  of the new release together with those of the previous one, which an attacker may have
  kept, so that their differences are audited like any other combination.

Limits, stated on /method/ and in the README: units, not clusters, are counted inside the
rank test (a cluster that re-submitted is two units there); only exact linear combinations
are considered (an attacker who knows some peers' answers from elsewhere knows more), and
releases older than the previous one are not in the audit (their figures only change after
``min_group`` clusters changed).

The rank test works modulo a large prime: exact and fast, with integer vectors; a union of
atoms found in the row space over the rationals is always found here too (the coefficients
of such a combination have denominators far below the prime for matrices of this size)."""

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import product
from math import comb

from .segments import ANY, ATTRIBUTES, segment_key

PRIME = (1 << 61) - 1

Cell = tuple[str, str, str, str]  # sector, governance, country, size band


@dataclass(frozen=True)
class Units:
    """``count`` units sharing a cell and a history. ``spans`` are the releases they were
    present in, as [joined, left) pairs (left None: still present); ``cluster`` is set when
    the clusters must be told apart (several units of one cluster), None when every unit is
    a different cluster not seen elsewhere."""

    cell: Cell
    spans: tuple[tuple[int, int | None], ...]
    count: int = 1
    cluster: int | None = None
    withdrawn: bool = False

    def present(self, release: int) -> bool:
        return any(joined <= release and (left is None or release < left)
                   for joined, left in self.spans)


@dataclass(frozen=True)
class Figure:
    segment: str
    release: int  # the release whose units it counts


@dataclass
class Shown:
    """The last published figure of a segment: the release it was computed at, and the
    last release that showed it."""

    computed: int
    shown_in: int
    shown: bool = True


@dataclass
class Plan:
    figures: dict[str, int]  # segment -> release its figure counts (to show)
    new: set[str] = field(default_factory=set)  # among them, those to compute now
    audit_suppressed: set[str] = field(default_factory=set)
    # Kept figures whose units are exactly those present now: they may be computed again
    # from the same units (under a new scoring method) without describing any new set.
    unchanged: set[str] = field(default_factory=set)


def cell_segments(cell: Cell) -> list[str]:
    """The 16 segments a cell belongs to (each attribute fixed or left open)."""
    return [segment_key(**{a: v for a, v, keep in zip(ATTRIBUTES, cell, mask, strict=True)
                           if keep})
            for mask in product([True, False], repeat=len(ATTRIBUTES))]


def segment_cells_match(segment: str, cell: Cell) -> bool:
    parts = dict(part.split("=", 1) for part in segment.split(";"))
    return all(parts[a] in (ANY, v) for a, v in zip(ATTRIBUTES, cell, strict=True))


def withdrawal_segments(cell: Cell) -> list[str]:
    """Segments to take down at once when a unit of this cell is withdrawn."""
    return cell_segments(cell)


def _members(units: list[Units], release: int) -> dict[str, list[Units]]:
    members: dict[str, list[Units]] = {}
    for unit in units:
        if unit.present(release):
            for segment in cell_segments(unit.cell):
                members.setdefault(segment, []).append(unit)
    return members


def _clusters_changed(before: list[Units], after: list[Units]) -> int:
    """Clusters that joined or left between two member lists (a cluster whose old
    diagnostic left and whose new one joined counts once)."""
    before_ids, after_ids = {id(u) for u in before}, {id(u) for u in after}
    left = [u for u in before if id(u) not in after_ids]
    joined = [u for u in after if id(u) not in before_ids]
    anonymous = sum(u.count for u in left + joined if u.cluster is None)
    named = {u.cluster for u in left + joined if u.cluster is not None}
    return anonymous + len(named)


def plan_release(*, units: list[Units], previous: dict[str, Shown], release: int,
                 min_group: int) -> Plan:
    """Which figure every segment shows in ``release``: a new one, the one it showed, or
    none; audited together with the previous release's figures."""
    now = _members(units, release)
    past_releases = {s.computed for s in previous.values()}
    then = {r: _members(units, r) for r in past_releases}
    figures: dict[str, int] = {}
    new: set[str] = set()
    unchanged: set[str] = set()
    for segment in set(now) | set(previous):
        members = now.get(segment, [])
        n = sum(u.count for u in members)
        if n < min_group:
            continue  # primary suppression
        last = previous.get(segment)
        if last is None:
            figures[segment] = release
            new.add(segment)
            continue
        counted = then[last.computed].get(segment, [])
        changed = _clusters_changed(counted, members)
        if changed >= min_group:
            figures[segment] = release
            new.add(segment)
        elif last.shown and not any(u.withdrawn for u in counted):
            figures[segment] = last.computed
            if changed == 0:
                unchanged.add(segment)
    fixed = [Figure(s, p.computed) for s, p in previous.items() if p.shown_in == release - 1]
    suppressed = audit(units=units, fixed=fixed,
                       candidates=[Figure(s, r) for s, r in figures.items()],
                       suppressible={Figure(s, release) for s in new}, min_group=min_group)
    for figure in suppressed:
        figures.pop(figure.segment, None)
        new.discard(figure.segment)
        unchanged.discard(figure.segment)
    return Plan(figures=figures, new=new, audit_suppressed={f.segment for f in suppressed},
                unchanged=unchanged)


# --- The audit --------------------------------------------------------------------------------


def atoms(units: list[Units], figures: list[Figure]) -> list[tuple[int, frozenset[int]]]:
    """(members, indices of the figures containing them) of every non-empty atom that is
    in at least one figure."""
    by_segment: dict[str, list[tuple[int, int]]] = {}
    for index, figure in enumerate(figures):
        by_segment.setdefault(figure.segment, []).append((index, figure.release))
    classes: dict[frozenset[int], int] = {}
    for unit in units:
        signature = frozenset(index for segment in cell_segments(unit.cell)
                              for index, release in by_segment.get(segment, ())
                              if unit.present(release))
        if signature:
            classes[signature] = classes.get(signature, 0) + unit.count
    return [(n, signature) for signature, n in classes.items()]


def _subtract(target: dict[int, int], factor: int, row: dict[int, int]) -> None:
    for col, value in row.items():
        updated = (target.get(col, 0) - factor * value) % PRIME
        if updated:
            target[col] = updated
        else:
            target.pop(col, None)


def _reduce(vector: dict[int, int], basis: dict[int, tuple[dict, dict]],
            combination: dict[int, int] | None = None) -> dict[int, int]:
    """The remainder of a vector against the basis; ``combination`` (when given) collects
    the original rows subtracted, with their coefficients."""
    vector = dict(vector)
    while True:
        pivots = [c for c in vector if c in basis]
        if not pivots:
            return vector
        column = min(pivots)
        factor = vector[column]
        row, rows_used = basis[column]
        _subtract(vector, factor, row)
        if combination is not None:
            _subtract(combination, factor, rows_used)


def row_space_basis(rows: Iterable[Iterable[int]]) -> dict[int, tuple[dict, dict]]:
    """An echelon basis (pivot column -> (row with 1 at the pivot, the original rows it
    combines)) of 0/1 rows given as the columns where they are 1, modulo PRIME."""
    basis: dict[int, tuple[dict, dict]] = {}
    for index, row in enumerate(rows):
        combination = {index: 1}
        reduced = _reduce(dict.fromkeys(row, 1), basis, combination)
        if reduced:
            pivot = min(reduced)
            inverse = pow(reduced[pivot], PRIME - 2, PRIME)
            basis[pivot] = ({c: v * inverse % PRIME for c, v in reduced.items()},
                            {r: v * inverse % PRIME for r, v in combination.items()})
    return basis


def combination_of(union: tuple[int, ...], basis: dict[int, tuple[dict, dict]]) -> set[int]:
    """The rows (indices) with a non-zero coefficient in a combination equal to the union's
    indicator vector; empty when the union is not in the row space."""
    combination: dict[int, int] = {}
    if _reduce(dict.fromkeys(union, 1), basis, combination):
        return set()
    return set(combination)


def null_vector(basis: dict[int, tuple[dict, dict]], columns: int, seed: int) -> list[int]:
    """A random z with F z = 0 (modulo PRIME) for the rows F behind the echelon basis:
    random values on the free columns, each pivot solved from its row, last pivot first
    (a row holds no column left of its pivot)."""
    # Not a secret: a false match only costs an exact check (disclosed_unions).
    rng = random.Random(seed)  # noqa: S311
    z = [0 if column in basis else rng.randrange(1, PRIME) for column in range(columns)]
    for pivot in sorted(basis, reverse=True):
        row, _rows_used = basis[pivot]
        z[pivot] = -sum(value * z[column] for column, value in row.items()
                        if column != pivot) % PRIME
    return z


# Half-unions enumerated at most (about 0.5 GB of memory and a few seconds of CPU): beyond,
# the audit does not search and coarsens instead (see audit).
SEARCH_LIMIT = 2_000_000


class SearchTooLarge(Exception):
    pass


def disclosed_unions(sizes: list[int], rows: list[frozenset[int]], min_group: int,
                     basis: dict[int, tuple[dict, dict]] | None = None,
                     limit: int = 1) -> list[tuple[int, ...]]:
    """Up to ``limit`` unions of atoms (their indices), pairwise disjoint, each with 1 to
    min_group - 1 members and an indicator that is a linear combination of the rows.
    ``sizes[a]`` is atom a's member count. Raises SearchTooLarge beyond SEARCH_LIMIT.

    e_S lies in the row space exactly when it is orthogonal to the null space of the rows.
    One random null-space vector z turns that into a sum of numbers: every disclosed S has
    sum(z[a] for a in S) == 0 (modulo PRIME), and an S that is not disclosed has that sum
    with probability 1 / PRIME; each S found is then checked exactly by reduction, so
    the randomness can only cost time, never a disclosure. A union of fewer than k
    members has fewer than k atoms, each small: it is split in two halves of at most
    ceil((k - 1) / 2) atoms, matched through a table of their sums (meet in the middle)."""
    small = [a for a, n in enumerate(sizes) if 0 < n < min_group]
    if not small:
        return []
    if basis is None:
        basis = row_space_basis(sorted(r) for r in rows)
    half = min_group // 2
    if sum(comb(len(small), size) for size in range(1, half + 1)) > SEARCH_LIMIT:
        raise SearchTooLarge
    z = null_vector(basis, len(sizes), seed=len(sizes))
    found: list[tuple[int, ...]] = []
    taken: set[int] = set()

    def keep(union: tuple[int, ...]) -> bool:
        if taken.isdisjoint(union) and combination_of(union, basis):
            found.append(union)
            taken.update(union)
        return len(found) >= limit

    # The halves, grown one atom at a time (atoms in increasing order within a half).
    table: dict[int, list[tuple[tuple[int, ...], int]]] = {}
    halves: list[tuple[tuple[int, ...], int, int]] = []
    level = [((), 0, 0, -1)]
    for _size_of_half in range(half):
        grown = []
        for subset, value, total, last in level:
            for i in range(last + 1, len(small)):
                a = small[i]
                members = total + sizes[a]
                if members >= min_group:
                    continue
                summed = (value + z[a]) % PRIME
                union = (*subset, a)
                if summed == 0 and keep(union):
                    return found
                grown.append((union, summed, members, i))
                halves.append((union, summed, members))
                table.setdefault(summed, []).append((union, members))
        level = grown
    for subset, value, total in halves:
        for other, other_total in table.get(-value % PRIME, ()):
            if (total + other_total < min_group and other > subset
                    and set(other).isdisjoint(subset) and keep(subset + other)):
                return found
    return found


# Disjoint disclosures handled per round of the audit: each gets one more suppression
# before the next check, instead of one check per suppression.
UNIONS_PER_ROUND = 25


def audit(*, units: list[Units], fixed: list[Figure], candidates: list[Figure],
          suppressible: set[Figure], min_group: int) -> set[Figure]:
    """The candidates to suppress so that the candidates and the fixed figures (already
    published, kept by anyone) together isolate no set of fewer than min_group units.

    Each round checks everything to be published, then suppresses one figure for each of
    up to UNIONS_PER_ROUND disjoint disclosures found (a figure their combination uses,
    the most detailed first), and checks again, until nothing is found. When the search
    would be too large (too many small atoms), the round instead suppresses every
    suppressible figure of the most detailed grouping level still published, which
    merges atoms: a conservative step, since suppressing only ever hides more."""
    suppressed: set[Figure] = set()
    while True:
        published = [f for f in candidates if f not in suppressed]
        everything = list(dict.fromkeys(fixed + published))
        found = atoms(units, everything)
        sizes = [n for n, _signature in found]
        rows: list[set[int]] = [set() for _ in everything]
        for a, (_n, signature) in enumerate(found):
            for index in signature:
                rows[index].add(a)
        if not any(0 < n < min_group for n in sizes):
            return suppressed  # nothing small to single out: no basis to build
        frozen = [frozenset(r) for r in rows]
        basis = row_space_basis(sorted(r) for r in frozen)
        try:
            unions = disclosed_unions(sizes, frozen, min_group, basis, UNIONS_PER_ROUND)
        except SearchTooLarge:
            coarser = _most_detailed([f for f in published if f in suppressible]) or \
                _most_detailed(published)
            if not coarser:
                return suppressed
            suppressed.update(coarser)
            continue
        if not unions:
            return suppressed
        this_round: set[Figure] = set()
        for union in unions:
            used = {everything[i] for i in combination_of(union, basis)}
            if used & this_round:
                continue  # this round already broke the combination it used
            pool = [f for f in published if f in suppressible and f in used]
            pool = pool or [f for f in published if f in suppressible] or [
                f for f in published if f in used] or published
            if not pool:
                return suppressed
            # The most detailed group first, then the smallest: "all peers" goes last.
            this_round.add(max(pool, key=lambda f: (f.segment.count("*") * -1,
                                                    -_size(rows[everything.index(f)], sizes),
                                                    f.segment)))
        suppressed |= this_round


def _most_detailed(figures: list[Figure]) -> list[Figure]:
    if not figures:
        return []
    level = min(f.segment.count("*") for f in figures)
    return [f for f in figures if f.segment.count("*") == level]


def _size(columns: set[int], sizes: list[int]) -> int:
    return sum(sizes[a] for a in columns)

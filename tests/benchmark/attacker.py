"""An attacker who adds and subtracts published figures, written independently of
benchmark.disclosure: one unit per diagnostic, exact rational arithmetic, brute force over
every small union of atoms."""

from fractions import Fraction
from itertools import combinations


def _null_space(rows: list[list[int]], width: int) -> list[list[Fraction]]:
    """A basis of {z : row . z = 0 for every row}, by exact Gauss-Jordan elimination."""
    matrix = [[Fraction(v) for v in row] for row in rows]
    pivots = []
    r = 0
    for c in range(width):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][c]
        matrix[r] = [v / lead for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                factor = matrix[i][c]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(c)
        r += 1
    free = [c for c in range(width) if c not in pivots]
    basis = []
    for f in free:
        z = [Fraction(0)] * width
        z[f] = Fraction(1)
        for i, c in enumerate(pivots):
            z[c] = -matrix[i][f]
        basis.append(z)
    return basis


def isolated_sets(groups: list[frozenset], min_group: int) -> list[frozenset]:
    """Every set of 1 to min_group - 1 units that some linear combination of the groups
    (sets of unit ids) singles out, as its indicator vector."""
    units = sorted(set().union(*groups)) if groups else []
    signature: dict[object, frozenset] = {}
    for unit in units:
        signature[unit] = frozenset(i for i, g in enumerate(groups) if unit in g)
    atoms: dict[frozenset, set] = {}
    for unit, sig in signature.items():
        atoms.setdefault(sig, set()).add(unit)
    atom_list = list(atoms.values())
    rows = [[1 if next(iter(atom)) in g else 0 for atom in atom_list] for g in groups]
    null = _null_space(rows, len(atom_list))
    small = [a for a, atom in enumerate(atom_list) if len(atom) < min_group]
    found = []
    for size in range(1, min_group):
        for subset in combinations(small, size):
            members = frozenset().union(*(atom_list[a] for a in subset))
            if len(members) >= min_group:
                continue
            if all(sum(z[a] for a in subset) == 0 for z in null):
                found.append(members)
    return found

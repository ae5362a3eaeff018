"""Hadamard matrices for balanced repeated replication, chosen exactly as R survey's ``hadamard(n)``.

R picks the smallest matrix it can build with at least n + 1 rows: Sylvester doublings of the
4 x 4 matrix, Paley constructions from primes p = 3 (mod 4), and two stored matrices (28 and 36)
that neither construction gives. Using the same matrix gives the same replicates, so BRR and Fay
variances of non-linear statistics agree with R as well. Entries are 0/1 as in R (1 = +1).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

# R survey's stored matrices (survey:::hadamard.list) besides the Sylvester 4 and 16
_STORED_ROWS = {
    28: (
        "1111111111111111111111111111",
        "1001110001110001110001111000",
        "1000001111001101001101111000",
        "1000001110110010111001100110",
        "1001101000001111100011010110",
        "1001010100101100010110101110",
        "1000110011010010001110011110",
        "0101100010101010011111110000",
        "0100010110110101100111010100",
        "0100011011001011110010101100",
        "0101011000010111011101001010",
        "0100101101100100111010011010",
        "0101100101011001101100100110",
        "0010110100011110101011101000",
        "0011011001100110101100110100",
        "0010101100111011010100011100",
        "0011000111010111010010110010",
        "0011001011111000100111001010",
        "0010110011101101011001000110",
        "1110101001010100010111100100",
        "1111000101100011001011001100",
        "1111000010011100111000011100",
        "1110010101001010110101010010",
        "1110011000111001001010110010",
        "1110100010100111100100101010",
        "1101111111111110000000000000",
        "1011111110000001111110000000",
        "0111111110000000000001111110",
    ),
    36: (
        "111111111111111111111111111111111111",
        "010111000111110111001000010101100100",
        "101110001111101110010000101011001000",
        "011100011111011100100001010110010010",
        "111000111110111001000010101100100100",
        "110001111101110010000101011001001010",
        "100011111011100100001010110010010110",
        "000111110111001000010101100100101110",
        "001111101110010000101011001001011100",
        "011111011100100001010110010010111000",
        "111110111001000010101100100101110000",
        "111101110010000101011001001011100010",
        "111011100100001010110010010111000110",
        "110111001000010101100100101110001110",
        "101110010000101011001001011100011110",
        "011100100001010110010010111000111110",
        "111001000010101100100101110001111100",
        "110010000101011001001011100011111010",
        "100100001010110010010111000111110110",
        "001000010101100100101110001111101110",
        "010000101011001001011100011111011100",
        "100001010110010010111000111110111000",
        "000010101100100101110001111101110010",
        "000101011001001011100011111011100100",
        "001010110010010111000111110111001000",
        "010101100100101110001111101110010000",
        "101011001001011100011111011100100000",
        "010110010010111000111110111001000010",
        "101100100101110001111101110010000100",
        "011001001011100011111011100100001010",
        "110010010111000111110111001000010100",
        "100100101110001111101110010000101010",
        "001001011100011111011100100001010110",
        "010010111000111110111001000010101100",
        "100101110001111101110010000101011000",
        "001011100011111011100100001010110010",
    ),
}
_SIZES = (4, 16, 28, 36)
_LARGEST_SMALL_PRIME = 7919  # R's paley() only knows primes up to this one


def hadamard(n: int) -> np.ndarray:
    """R's ``survey:::hadamard(n)``: a 0/1 Hadamard matrix with more than n rows."""
    m = n - n % 4
    stored = [size for size in _SIZES if m < size <= m + 4]
    if stored:
        return _stored(min(stored))
    if all(m < size for size in _SIZES):
        return _stored(4)
    doublings = [max(0, math.ceil(math.log2((n + 1) / size))) for size in _SIZES]
    sizes = [size * 2**d for size, d in zip(_SIZES, doublings, strict=True)]
    best = int(np.argmin([size - n for size in sizes]))
    matrix = _paley(n, sizes[best]) if sizes[best] - n > 4 else None
    if matrix is None:
        matrix = _stored(_SIZES[best])
        for _ in range(doublings[best]):
            matrix = _doubled(matrix)
    return matrix


def _stored(size: int) -> np.ndarray:
    if size in _STORED_ROWS:
        return np.array([[int(c) for c in row] for row in _STORED_ROWS[size]], dtype=np.int8)
    matrix = np.ones((1, 1), dtype=np.int8)
    while len(matrix) < size:
        matrix = _doubled(matrix)
    return matrix


def _doubled(matrix: np.ndarray) -> np.ndarray:
    return np.block([[matrix, matrix], [matrix, 1 - matrix]])


@cache
def _small_primes() -> tuple[int, ...]:
    limit = _LARGEST_SMALL_PRIME + 1
    sieve = np.ones(limit, dtype=bool)
    sieve[:2] = False
    for i in range(2, int(limit**0.5) + 1):
        if sieve[i]:
            sieve[i * i :: i] = False
    return tuple(int(p) for p in np.flatnonzero(sieve) if p % 4 == 3)


def _paley(n: int, largest: int) -> np.ndarray | None:
    """R's ``survey:::paley(n, nmax)``: a Paley matrix (possibly doubled) of order > n, or None."""
    ceiling = reduced = n + 4 - n % 4
    primes = _small_primes()
    if n % 4 + 4 == n % 8:
        while reduced % 8 == 0:
            reduced //= 2
        if reduced - 1 in primes:
            matrix = _paley_of_prime(reduced - 1)
            while reduced < ceiling:
                matrix = _doubled(matrix)
                reduced *= 2
            return matrix
    if n > primes[-1]:
        return None
    prime = min(p for p in primes if p >= n)
    if prime + 1 > ceiling + 4 and ceiling + 4 < largest:
        return _paley(ceiling + 3, 2 * (ceiling + 3))
    if prime > largest:
        return None
    return _paley_of_prime(prime)


def _paley_of_prime(prime: int) -> np.ndarray:
    residues = {0, 1} | {(i * i) % prime for i in range(2, (prime - 1) // 2 + 1)}
    sums = np.add.outer(np.arange(prime), np.arange(prime)) % prime
    core = (~np.isin(sums, list(residues))).astype(np.int8)
    matrix = np.ones((prime + 1, prime + 1), dtype=np.int8)
    matrix[1:, 1:] = core
    return matrix

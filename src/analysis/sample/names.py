"""Fictional place names for the sample area's districts and wards.

Why this module exists: names must look plausible in reports yet be recognisably invented, and
they must be drawn from seeded generators so the geography is reproducible; keeping the word
lists apart from :mod:`analysis.sample.geography` keeps that module about shapes and codes.
"""

from __future__ import annotations

import numpy as np

PEER_NAMES = ("Ashbury", "Brookfield", "Castlemere", "Dunwick", "Eastholme", "Fairhaven")
NAME_PREFIXES = (
    "Alder", "Bramble", "Cold", "Deep", "Elm", "Fern", "Glen", "Hazel", "Iver", "Juniper",
    "Kings", "Lark", "Marsh", "Nether", "Oak", "Pine", "Quarry", "Rush", "Salt", "Thorn",
    "Under", "Vale", "Willow", "Yew", "Wren", "Hollow",
)  # fmt: skip
NAME_SUFFIXES = (
    "bury", "field", "mere", "wick", "holme", "haven", "ford", "ton", "ley", "worth",
    "stead", "minster", "combe", "dale", "gate", "port",
)  # fmt: skip
WARD_NAMES = (
    "Abbey", "Castle", "Harbour", "Northgate", "Southgate", "Westgate", "Eastgate", "Riverside",
    "Priory", "Cathedral", "Market", "Station", "Hillside", "Meadows", "Parkwood", "Woodlands",
    "Brambles", "Orchard", "Quarry", "Mill", "Chapel", "Common", "Downs", "Fields", "Green",
    "Heath", "Kingsway", "Lakeside", "Manor", "Marsh", "Moor", "Newtown", "Oakwood", "Old Town",
    "Queensway", "Rectory", "St Mary's", "St John's", "St Peter's", "Tower", "Valley",
    "Victoria", "Wharf", "Windmill", "Wood End", "Beacon", "Bridge", "Cliff", "Dockside",
    "Elmfield", "Fort", "Grange", "Hollybank", "Ivy Hatch", "Jubilee", "Lodge", "Nelson", "Pier",
    "Ropewalk", "Saltings", "Tannery", "Upper Town", "Vineyard", "Watermead",
)  # fmt: skip
WARD_NAME_QUALIFIERS = ("North", "South", "East", "West", "Central", "Rural", "Park", "Village")


def ward_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` plausible ward names, unique within one LAD."""
    names = [WARD_NAMES[i] for i in rng.permutation(len(WARD_NAMES))]
    if n > len(names):  # very large LADs: "Abbey North", "Castle South", ... then "Ward 9xx"
        names += [f"{w} {q}" for q in WARD_NAME_QUALIFIERS for w in WARD_NAMES]
        names += [f"Ward {k}" for k in range(len(names) + 1, n + 1)]
    return names[:n]


def town_names(seed: int, n: int) -> list[str]:
    """``n`` fictional town names for LADs beyond the six fixed force-1 peers."""
    combos = [p + s for p in NAME_PREFIXES for s in NAME_SUFFIXES if p + s not in PEER_NAMES]
    order = np.random.default_rng([seed, 3]).permutation(len(combos))
    names = [combos[i] for i in order]
    k = 2
    while len(names) < n:  # more LADs than combinations: "Aldermere 2", ...
        names.extend(f"{combos[i]} {k}" for i in order)
        k += 1
    return names[:n]

"""police.uk crime categories and the comparable groups we report on.

police.uk has changed its categories over time (e.g. "Violent crime" became "Violence and
sexual offences" in 2013; "Public disorder and weapons" was split into "Public order" and
"Possession of weapons" in 2013; "Other theft" lost "Shoplifting", "Bicycle theft" and
"Theft from the person" as separate categories in 2013). Trends must compare like with like,
so every category maps to a group that exists in every year.
"""

from __future__ import annotations

import pandas as pd

ASB = "Anti-social behaviour"

# category as published -> comparable group
CRIME_GROUPS: dict[str, str] = {
    "Anti-social behaviour": "Anti-social behaviour",
    "Violence and sexual offences": "Violence and sexual offences",
    "Violent crime": "Violence and sexual offences",
    "Criminal damage and arson": "Criminal damage and arson",
    "Burglary": "Burglary",
    "Robbery": "Robbery",
    "Vehicle crime": "Vehicle crime",
    "Shoplifting": "Theft",
    "Bicycle theft": "Theft",
    "Theft from the person": "Theft",
    "Other theft": "Theft",
    "Drugs": "Drugs",
    "Public order": "Public order and weapons",
    "Possession of weapons": "Public order and weapons",
    "Public disorder and weapons": "Public order and weapons",
    "Other crime": "Other crime",
}

KNOWN_CRIME_TYPES: list[str] = sorted(CRIME_GROUPS)
KNOWN_GROUPS: list[str] = sorted(set(CRIME_GROUPS.values()))


def measure_of(crime_type: pd.Series) -> pd.Series:
    """'asb' for anti-social behaviour incidents, 'crime' for everything else."""
    return pd.Series(
        pd.Categorical(
            (crime_type == ASB).map({True: "asb", False: "crime"}), categories=["crime", "asb"]
        ),
        index=crime_type.index,
    )


def group_of(crime_type: pd.Series) -> pd.Series:
    """Comparable group for each category (NaN where the category is unknown)."""
    return crime_type.map(CRIME_GROUPS)

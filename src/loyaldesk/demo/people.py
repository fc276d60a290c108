"""Names, cities, addresses and company names per language, drawn once from Faker."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from random import Random

from faker import Faker

from loyaldesk.demo.catalogue import EMAIL_DOMAINS, FAKER_LOCALE, PHONE_PREFIX

POOL_SIZES = {"first": 400, "last": 700, "city": 200, "company": 150}


@dataclass(frozen=True)
class NamePool:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    cities: tuple[str, ...]
    companies: tuple[str, ...]


def _unique(draw, count: int) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for _ in range(count * 20):
        seen.setdefault(draw(), None)
        if len(seen) == count:
            break
    return tuple(seen)


def _cities(fake: Faker, rng: Random) -> tuple[str, ...]:
    """City names; some locales keep theirs in a set, whose order changes between processes."""
    for provider in fake.get_providers():
        known = getattr(provider, "cities", None)
        if isinstance(known, list | tuple) and len(known) >= POOL_SIZES["city"]:
            return tuple(rng.sample(sorted(set(known)), POOL_SIZES["city"]))
    return _unique(fake.city, POOL_SIZES["city"])


def name_pools(seed: int) -> dict[str, NamePool]:
    """Pools of realistic names per language; drawing from pools keeps generation fast."""
    pools = {}
    for offset, (language, locale) in enumerate(sorted(FAKER_LOCALE.items())):
        fake = Faker(locale)
        fake.seed_instance(seed * 31 + offset)
        pools[language] = NamePool(
            first_names=_unique(fake.first_name, POOL_SIZES["first"]),
            last_names=_unique(fake.last_name, POOL_SIZES["last"]),
            cities=_cities(fake, Random(seed * 31 + offset)),
            companies=_unique(fake.company, POOL_SIZES["company"]),
        )
    return pools


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only, as people write names in email addresses."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def email_address(first: str, last: str, language: str, number: int, rng: Random) -> str:
    """A plausible personal address, unique thanks to the customer number where needed."""
    first_slug, last_slug = ascii_slug(first) or "client", ascii_slug(last) or "x"
    shape = rng.randrange(4)
    if shape == 0:
        local = f"{first_slug}.{last_slug}"
    elif shape == 1:
        local = f"{first_slug[0]}{last_slug}"
    elif shape == 2:
        local = f"{first_slug}{last_slug[:3]}"
    else:
        local = f"{last_slug}.{first_slug}"
    return f"{local}.{number}@{rng.choice(EMAIL_DOMAINS[language])}"


def phone_number(language: str, number: int) -> str:
    """A mobile number unique per customer number (a bijection on eight digits)."""
    digits = (number * 7_368_787 + 1_234_567) % 100_000_000
    return f"{PHONE_PREFIX[language]}{digits:08d}"

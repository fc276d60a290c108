"""The knobs of the demo data generator, including the true service-to-loyalty effects.

Every effect the generator plants in the data is a named parameter here. The generator writes
them, with what it realised, to a manifest beside the data, so that the analytics built on top
can be tested for recovering a known truth. No Django import.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

DAY = 86_400.0
HOUR = 3_600.0
YEAR = 365.25 * DAY


@dataclass(frozen=True)
class LoyaltyEffects:
    """How service experience changes a customer's future behaviour (the planted truth).

    Multipliers apply to the customer's hazard of leaving and to their rate of buying, from the
    moment the case ends, for the rest of their life (they compound across cases).
    """

    slow_first_response_hours: float = 24.0
    """A first response later than this (in hours) counts as slow."""
    churn_multiplier_slow_response: float = 1.6
    purchase_multiplier_slow_response: float = 0.8

    churn_multiplier_unresolved: float = 2.5
    """A case closed without solving the problem."""
    purchase_multiplier_unresolved: float = 0.6

    churn_multiplier_repeat_contact: float = 1.4
    """Each contact about a problem that came back."""

    fast_resolution_hours: float = 24.0
    """Solved within this many hours on the first contact: a service recovery."""
    churn_multiplier_recovered: float = 0.8
    purchase_multiplier_recovered: float = 1.1


@dataclass(frozen=True)
class SurveyEffects:
    """How customers answer surveys, given the service they received (the planted survey truth).

    A resolved case leaves its customer with a latent satisfaction on the CSAT scale (1-5): the
    mean `satisfaction`, plus a shift for each experience the case gave (the outcomes of
    `LoyaltyEffects`, and a reopening), plus noise. Every score of the case's survey is read
    from it. The relationship NPS reads the shifts of all the customer's cases so far, summed.
    """

    response_rate: float = 0.34
    """Share of sent invitations answered, after a case that went well enough."""
    response_multiplier_bad: float = 0.7
    """On the response rate after a slow or unresolved case or a repeat contact."""
    response_multiplier_left: float = 0.4
    """On the response rate of a customer who has already left."""

    satisfaction: float = 4.2
    """Mean latent satisfaction after a case with none of the experiences below."""
    satisfaction_spread: float = 0.8
    """Standard deviation of the latent satisfaction around its mean."""
    shift_slow: float = -0.9
    shift_unresolved: float = -1.8
    shift_repeat_contact: float = -0.6
    shift_reopened: float = -0.4
    shift_recovered: float = 0.5
    """A problem solved on first contact within `fast_resolution_hours`."""
    shift_per_contact: float = -0.15
    """For each further message the customer had to write (chasers, replies, a reopening)."""
    expectation_per_shift: float = 1.0
    """Expectation-gap points (1-5, 3 = as expected) per point of satisfaction shift; the noise
    around the mean satisfaction counts half as much."""

    effort: float = 6.0
    """Mean CES (1-7, 7 = very easy) when one message from the customer was enough."""
    effort_per_contact: float = -0.7
    """CES change for each further message the customer had to write (chasers, replies, a
    reopening, a repeat case)."""

    nps: float = 8.0
    """Mean relationship NPS score (0-10) of a customer without any case."""
    nps_per_shift: float = 1.3
    """NPS points per point of satisfaction shift summed over the customer's cases."""
    nps_shift_left: float = -2.0
    """For a customer who has already left."""
    nps_spread: float = 1.7

    text_share: float = 0.3
    """Share of answering customers who write a comment, when their rating is not unhappy."""
    text_share_unhappy: float = 0.6

    recovered_share: float = 0.65
    """Share of recovery tasks closed as recovered, for customers who stay."""
    recovered_share_leaving: float = 0.2
    """The same for customers who leave within `leaving_days` of the task."""
    leaving_days: float = 180.0

    relationship_sample_share: float = 0.1
    """Customers per relationship round, as a share of the base (at least the survey's own)."""


@dataclass(frozen=True)
class ServiceModel:
    """How quickly and how well the service team works, by queue and by load."""

    first_response_median_hours: dict[str, float] = field(
        default_factory=lambda: {"general": 3.0, "orders": 5.0, "repairs": 9.0, "billing": 7.0}
    )
    first_response_spread: float = 0.9
    """Log-normal sigma of the first-response time."""
    live_channel_response_minutes: float = 4.0
    """Median answer time on phone and chat, where the customer is on the line."""
    load_sensitivity: float = 1.0
    """Exponent applied to the day's load factor when scaling response times."""
    unresolved_probability: dict[str, float] = field(
        default_factory=lambda: {"general": 0.05, "orders": 0.08, "repairs": 0.18, "billing": 0.07}
    )
    repeat_contact_probability: float = 0.6
    """Chance that an unresolved problem comes back as a new case."""
    reopen_probability: float = 0.25
    """Chance that an unresolved problem reopens the same case instead."""
    auto_close_days: float = 7.0


@dataclass(frozen=True)
class CustomerModel:
    """Who the customers are and how they buy and leave, before any service effect."""

    language_shares: dict[str, float] = field(
        default_factory=lambda: {"fr": 0.4, "it": 0.35, "en": 0.25}
    )
    segment_shares: dict[str, float] = field(
        default_factory=lambda: {"consumer": 0.8, "premium": 0.12, "business": 0.08}
    )
    purchases_per_year: dict[str, float] = field(
        default_factory=lambda: {"consumer": 1.6, "premium": 3.5, "business": 5.0}
    )
    purchase_rate_shape: float = 1.5
    """Gamma shape of individual buying rates: repeat buying is concentrated (NBD-like)."""
    churn_per_year: dict[str, float] = field(
        default_factory=lambda: {"consumer": 0.3, "premium": 0.18, "business": 0.12}
    )
    existing_share: float = 0.4
    """Share of customers who already bought before the history window starts."""
    case_after_purchase_probability: float = 0.5
    spontaneous_cases_per_year: float = 0.6


@dataclass(frozen=True)
class GeneratorParameters:
    """Everything that shapes a demo data set; the seed makes it reproducible."""

    customers: int = 2000
    years: float = 2.0
    seed: int = 7
    language: str = "en"
    """The company's working language: the names of its queues, teams and products."""
    loyalty: LoyaltyEffects = field(default_factory=LoyaltyEffects)
    service: ServiceModel = field(default_factory=ServiceModel)
    population: CustomerModel = field(default_factory=CustomerModel)
    surveys: SurveyEffects = field(default_factory=SurveyEffects)

    def as_dict(self) -> dict:
        return asdict(self)

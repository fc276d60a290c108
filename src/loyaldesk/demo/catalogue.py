"""The demo company's fixed world: products, queues, topics, channels (no Django import)."""

from __future__ import annotations

from dataclasses import dataclass

COMPANY = "Maison Lumen"


@dataclass(frozen=True)
class ProductKind:
    key: str
    names: dict[str, str]
    """The product noun in each language, placed after or before the model name."""
    model_first: dict[str, bool]
    price: float
    warranty_months: int


def _kind(key: str, en: str, fr: str, it: str, price: float, warranty: int = 24) -> ProductKind:
    return ProductKind(
        key, {"en": en, "fr": fr, "it": it}, {"en": True, "fr": False, "it": False}, price, warranty
    )


# Every noun is singular, and masculine in French and Italian: the phrasebook writes "mon …",
# "il mio …", "est arrivé", "è arrivato", and a feminine noun would break the agreement.
KINDS = (
    _kind("vacuum", "vacuum cleaner", "aspirateur", "aspirapolvere", 349.0),
    _kind("processor", "food processor", "robot de cuisine", "robot da cucina", 289.0),
    _kind("laptop", "laptop", "ordinateur portable", "portatile", 1099.0),
    _kind("phone", "smartphone", "smartphone", "smartphone", 699.0),
    _kind("oven", "oven", "four", "forno", 649.0, 36),
    _kind("headset", "headset", "casque", "auricolare", 179.0, 12),
    _kind("tv", "TV", "téléviseur", "televisore", 899.0, 36),
    _kind("monitor", "monitor", "écran", "monitor", 449.0),
    _kind("fridge", "fridge", "réfrigérateur", "frigorifero", 999.0, 36),
    _kind("router", "router", "routeur", "router", 129.0, 12),
)
MODELS = ("Aria", "Nova", "Vento", "Luce", "Orbit", "Siena", "Brio")
MODELS_PER_KIND = 3


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    model: str
    kind: ProductKind
    price: float

    def noun(self, language: str) -> str:
        """The product as a customer writing in `language` names it."""
        word = self.kind.names[language]
        return f"{self.model} {word}" if self.kind.model_first[language] else f"{word} {self.model}"


def products() -> tuple[DemoProduct, ...]:
    """The demo catalogue: a few models of each kind, with prices around the kind's price."""
    catalogue = []
    for kind_index, kind in enumerate(KINDS):
        for generation in range(MODELS_PER_KIND):
            model = f"{MODELS[(kind_index + generation) % len(MODELS)]} X{generation + 1}"
            price = round(kind.price * (0.8 + 0.25 * generation), 0) - 0.01
            sku = f"{kind.key[:3].upper()}-{kind_index:02d}{generation}"
            catalogue.append(DemoProduct(sku, model, kind, price))
    return tuple(catalogue)


# The company names its queues, teams and products once, in the language it works in.
COMPANY_LANGUAGES = ("en", "fr", "it")
QUEUES = {
    "general": {
        "en": ("General", "General questions, accounts and how-to"),
        "fr": ("Général", "Questions générales, comptes et mode d'emploi"),
        "it": ("Generale", "Domande generali, account e istruzioni"),
    },
    "orders": {
        "en": ("Orders & delivery", "Deliveries, returns and refunds"),
        "fr": ("Commandes et livraisons", "Livraisons, retours et remboursements"),
        "it": ("Ordini e consegne", "Consegne, resi e rimborsi"),
    },
    "repairs": {
        "en": ("Repairs & warranty", "Faulty products, after-sales repairs and warranty"),
        "fr": ("Réparations et garantie", "Produits en panne, service après-vente et garantie"),
        "it": ("Riparazioni e garanzia", "Prodotti guasti, assistenza post-vendita e garanzia"),
    },
    "billing": {
        "en": ("Billing", "Invoices, charges and payments"),
        "fr": ("Facturation", "Factures, prélèvements et paiements"),
        "it": ("Fatturazione", "Fatture, addebiti e pagamenti"),
    },
}
TEAM_NAME = {"en": "{queue} team", "fr": "Équipe {queue}", "it": "Team {queue}"}
TOPIC_QUEUE = {
    "delivery": "orders",
    "return_refund": "orders",
    "defect": "repairs",
    "repair": "repairs",
    "warranty": "repairs",
    "data_loss": "repairs",
    "billing": "billing",
    "account": "general",
    "how_to": "general",
    "praise": "general",
}
# Which topics follow a purchase, and how soon (median days after it).
AFTER_PURCHASE_TOPICS = {
    "delivery": (0.30, 4.0),
    "defect": (0.22, 20.0),
    "how_to": (0.18, 10.0),
    "return_refund": (0.14, 12.0),
    "billing": (0.08, 15.0),
    "warranty": (0.05, 200.0),
    "praise": (0.03, 14.0),
}
SPONTANEOUS_TOPICS = {
    "account": 0.35,
    "how_to": 0.25,
    "billing": 0.15,
    "warranty": 0.15,
    "praise": 0.10,
}
TOPIC_PRIORITY = {
    "data_loss": "urgent",
    "repair": "high",
    "defect": "high",
}
CHANNEL_SHARES = {
    "email": 0.45,
    "phone": 0.22,
    "portal": 0.12,
    "chat": 0.11,
    "web_form": 0.07,
    "fax": 0.03,
}
LIVE_CHANNELS = frozenset({"phone", "chat"})
MOOD_SHARES = {"hesitant": 0.25, "insistent": 0.25, "friendly": 0.35, "angry": 0.15}

EMAIL_DOMAINS = {
    "fr": ("orange.fr", "free.fr", "gmail.com", "laposte.net", "sfr.fr", "outlook.fr"),
    "it": ("libero.it", "gmail.com", "virgilio.it", "tiscali.it", "alice.it", "outlook.it"),
    "en": ("gmail.com", "outlook.com", "yahoo.co.uk", "btinternet.com", "icloud.com"),
}
PHONE_PREFIX = {"fr": "+336", "it": "+393", "en": "+447"}
COUNTRY = {"fr": "FR", "it": "IT", "en": "GB"}
FAKER_LOCALE = {"fr": "fr_FR", "it": "it_IT", "en": "en_GB"}

"""The fixed part of the demo company: its products, queues, teams and agents."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from loyaldesk.accounts.models import Team, User
from loyaldesk.accounts.roles import Role
from loyaldesk.customers.models import Product
from loyaldesk.demo.catalogue import COMPANY, QUEUES, TEAM_NAME, DemoProduct, products
from loyaldesk.demo.parameters import GeneratorParameters
from loyaldesk.demo.people import NamePool, ascii_slug
from loyaldesk.desk.models import Queue

# The demo's team lead and agent logins are real members of the General team, with cases.
DEMO_USERNAMES = {("general", 0): "lead", ("general", 1): "agent"}
QUEUE_STAFF_SHARE = {"general": 0.25, "orders": 0.3, "repairs": 0.3, "billing": 0.15}
CUSTOMERS_PER_AGENT = 120
MIN_AGENTS, MAX_AGENTS = 8, 300


@dataclass
class World:
    """The fixed part of the demo company: products, queues, teams and agents."""

    products: tuple[DemoProduct, ...]
    product_ids: list[int]
    queue_ids: dict[str, int]
    team_ids: dict[str, int]
    agents_by_queue: dict[str, list[int]]
    agent_first_names: dict[int, str]
    leads: dict[str, int]


def build_world(parameters: GeneratorParameters, pools: dict[str, NamePool]) -> World:
    """Create products, queues, one team per queue and enough agents for the customer base."""
    rng = Random(parameters.seed + 3)
    catalogue = products()
    product_ids = []
    for item in catalogue:
        product, _ = Product.objects.get_or_create(
            sku=item.sku,
            defaults={
                "name": item.noun(parameters.language),
                "category": item.kind.key,
                "warranty_months": item.kind.warranty_months,
                "list_price": f"{item.price:.2f}",
            },
        )
        product_ids.append(product.pk)
    total_agents = min(max(parameters.customers // CUSTOMERS_PER_AGENT, MIN_AGENTS), MAX_AGENTS)
    agent_group = Group.objects.get(name=Role.AGENT.value)
    lead_group = Group.objects.get(name=Role.TEAM_LEAD.value)
    unusable = make_password(None)
    world = World(catalogue, product_ids, {}, {}, {}, {}, {})
    for key, names in QUEUES.items():
        name, description = names[parameters.language]
        team_name = TEAM_NAME[parameters.language].format(queue=name)
        team, _ = Team.objects.get_or_create(name=team_name)
        queue, _ = Queue.objects.get_or_create(
            slug=key,
            defaults={
                "name": name,
                "description": description,
                "team": team,
                "is_default": key == "general",
            },
        )
        world.queue_ids[key] = queue.pk
        world.team_ids[key] = queue.team_id
        staff = []
        for number in range(max(2, round(total_agents * QUEUE_STAFF_SHARE[key]))):
            language = rng.choice(("fr", "it", "en"))
            pool = pools[language]
            first, last = rng.choice(pool.first_names), rng.choice(pool.last_names)
            username = DEMO_USERNAMES.get((key, number), f"{key}.{ascii_slug(first)}{number}")
            staff.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@{ascii_slug(COMPANY)}.example",
                    preferred_language=language,
                    password=unusable,
                )
            )
        staff = User.objects.bulk_create(staff)
        lead, agents = staff[0], staff[1:]
        agent_group.user_set.add(*agents)
        lead_group.user_set.add(lead)
        team.lead = lead
        team.save(update_fields=["lead"])
        team.members.add(*staff)
        world.leads[key] = lead.pk
        world.agents_by_queue[key] = [agent.pk for agent in agents]
        world.agent_first_names.update({user.pk: user.first_name for user in staff})
    return world


def serial_number(product: DemoProduct, moment: float, position: int) -> str:
    return f"{product.sku.replace('-', '')}{int(moment) % 100_000_000:08d}{position}"

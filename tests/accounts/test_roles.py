from django.contrib.auth.models import Group

from loyaldesk.accounts.roles import ROLE_PERMISSIONS, Role
from loyaldesk.accounts.services import assign_role, role_of, sync_roles


def test_every_role_has_a_group_after_migrate(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


def test_roles_grant_their_permissions(agent, lead, manager, admin_user):
    assert agent.has_perm("desk.view_case")
    assert agent.has_perm("desk.change_case")
    assert not agent.has_perm("desk.assign_case")
    assert not agent.has_perm("desk.view_all_queues")
    assert not agent.is_staff
    assert lead.has_perm("desk.assign_case")
    assert not lead.has_perm("desk.view_all_queues")
    assert manager.has_perm("desk.view_all_queues")
    assert not lead.has_perm("desk.change_queue")
    assert manager.has_perm("desk.change_queue")
    assert manager.is_staff
    assert not manager.is_superuser
    assert admin_user.is_superuser


def test_roles_nest(db):
    agent = set(ROLE_PERMISSIONS[Role.AGENT])
    lead = set(ROLE_PERMISSIONS[Role.TEAM_LEAD])
    manager = set(ROLE_PERMISSIONS[Role.MANAGER])
    assert agent < lead < manager


def test_changing_role_replaces_the_old_one(agent):
    assign_role(agent, Role.MANAGER)
    assert role_of(agent) is Role.MANAGER
    assert list(agent.groups.values_list("name", flat=True)) == ["manager"]
    assert agent.is_staff


def test_sync_roles_restores_tampered_groups(db):
    group = Group.objects.get(name="agent")
    group.permissions.clear()
    sync_roles()
    assert group.permissions.filter(codename="view_case").exists()

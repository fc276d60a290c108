"""The four staff roles and the permissions each one grants (no Django import)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    TEAM_LEAD = "team_lead"
    MANAGER = "manager"
    ADMIN = "admin"


READ_CUSTOMERS = (
    "customers.view_organisation",
    "customers.view_customer",
    "customers.view_identity",
    "customers.view_product",
    "customers.view_ownedproduct",
    "customers.view_purchase",
)
WORK_CASES = (
    "desk.view_case",
    "desk.change_case",
    "desk.add_case",
    "desk.view_message",
    "desk.add_message",
    "desk.view_attachment",
    "desk.add_attachment",
    "desk.view_event",
    "desk.view_queue",
    "accounts.view_team",
)
LEAD_CASES = (
    "desk.assign_case",
    "accounts.view_user",
    "customers.change_customer",
    "customers.merge_customer",
    "customers.add_customer",
    "customers.add_identity",
    "customers.change_identity",
)
FOLLOW_UP_SURVEYS = (
    "surveys.view_survey_reports",
    "surveys.view_answer",
    "surveys.view_recoverytask",
    "surveys.change_recoverytask",
)
REPORT_SERVICE_LEVELS = ("service_levels.view_service_level_reports",)
WORK_REPAIRS = (
    "repairs.view_repairorder",
    "repairs.add_repairorder",
    "repairs.change_repairorder",
    "repairs.view_stageentry",
    "repairs.view_repairtarget",
    "repairs.view_repairstagetarget",
)
LEAD_REPAIRS = ("repairs.view_repeat_repairs",)
MANAGE_REPAIRS = (
    "repairs.add_repairtarget",
    "repairs.change_repairtarget",
    "repairs.delete_repairtarget",
    "repairs.add_repairstagetarget",
    "repairs.change_repairstagetarget",
    "repairs.delete_repairstagetarget",
)
MANAGE_SURVEYS = (
    "surveys.view_survey",
    "surveys.add_survey",
    "surveys.change_survey",
    "surveys.view_question",
    "surveys.add_question",
    "surveys.change_question",
    "surveys.delete_question",
    "surveys.view_choice",
    "surveys.add_choice",
    "surveys.change_choice",
    "surveys.delete_choice",
    "surveys.view_invitation",
    "surveys.add_invitation",
)
MANAGE_DESK = (
    "desk.view_all_queues",
    "desk.add_queue",
    "desk.change_queue",
    "accounts.add_team",
    "accounts.change_team",
    "customers.add_organisation",
    "customers.change_organisation",
    "customers.add_product",
    "customers.change_product",
    "customers.add_purchase",
    "customers.change_purchase",
    "customers.add_ownedproduct",
    "customers.change_ownedproduct",
    "desk.add_macro",
    "desk.change_macro",
    "desk.delete_macro",
)

ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.AGENT: READ_CUSTOMERS + WORK_CASES + WORK_REPAIRS,
    Role.TEAM_LEAD: READ_CUSTOMERS
    + WORK_CASES
    + WORK_REPAIRS
    + LEAD_CASES
    + LEAD_REPAIRS
    + FOLLOW_UP_SURVEYS
    + REPORT_SERVICE_LEVELS,
    Role.MANAGER: READ_CUSTOMERS
    + WORK_CASES
    + WORK_REPAIRS
    + LEAD_CASES
    + LEAD_REPAIRS
    + FOLLOW_UP_SURVEYS
    + REPORT_SERVICE_LEVELS
    + MANAGE_SURVEYS
    + MANAGE_DESK
    + MANAGE_REPAIRS,
}

# Roles that may open the Django admin; the admin role is granted every permission.
STAFF_ROLES = frozenset({Role.MANAGER, Role.ADMIN})

"""Reading survey records with the asker's permissions."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from loyaldesk.accounts.models import User
from loyaldesk.desk.permissions import sees_every_queue, team_ids
from loyaldesk.surveys.models import Answer, RecoveryState, RecoveryTask

UNFINISHED = (RecoveryState.OPEN, RecoveryState.CONTACTED)


def visible_recovery_tasks(user: User) -> QuerySet[RecoveryTask]:
    """Team leads see the tasks they own and their teams'; managers and admins see all."""
    if not user.has_perm("surveys.view_recoverytask"):
        return RecoveryTask.objects.none()
    tasks = RecoveryTask.objects.all()
    if sees_every_queue(user):
        return tasks
    return tasks.filter(Q(owner=user) | Q(team__in=team_ids(user)))


def recovery_task_answers(tasks: list[RecoveryTask]) -> dict[int, list[Answer]]:
    """The answers behind each task, by the task's invitation."""
    answers: dict[int, list[Answer]] = {task.invitation_id: [] for task in tasks}
    for answer in (
        Answer.objects.filter(invitation__in=answers)
        .select_related("question")
        .order_by("question__position", "question_id")
    ):
        answers[answer.invitation_id].append(answer)
    return answers

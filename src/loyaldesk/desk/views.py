from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from loyaldesk.accounts.models import User
from loyaldesk.core.pagination import BadCursor, keyset_page
from loyaldesk.desk import services
from loyaldesk.desk.attachments import file_response, store_upload
from loyaldesk.desk.bulk import apply_to_cases
from loyaldesk.desk.forms import (
    AssignForm,
    BulkActionForm,
    CaseDetailsForm,
    CaseFilterForm,
    LinkCaseForm,
    MergeCaseForm,
    NoteForm,
    ReplyForm,
    SavedViewForm,
    SplitForm,
    StatusForm,
)
from loyaldesk.desk.history import history_lines
from loyaldesk.desk.lifecycle import Status, TransitionNotAllowed
from loyaldesk.desk.mentions import mark_mentions_read, split_by_access
from loyaldesk.desk.models import Attachment, Case, SavedView, case_reference
from loyaldesk.desk.permissions import (
    assignable_users,
    can_assign,
    can_work,
    ensure,
    leads_queue_of,
    visible_cases,
    visible_queues,
)
from loyaldesk.desk.presence import note_presence, others_on_case, poll_seconds
from loyaldesk.desk.search import is_small_number, search_matches
from loyaldesk.desk.selectors import (
    SORTS,
    CaseView,
    case_history,
    case_table,
    case_thread,
    colleagues,
    customer_other_cases,
    linked_cases,
    macros_for_case,
    recent_case_history,
    repeat_contacts_of,
    user_choices,
    view_counts,
)
from loyaldesk.service_levels.selectors import timers_of
from loyaldesk.service_levels.services import mark_alerts_read

CASES_PER_PAGE = 50
desk_view = permission_required("desk.view_case", raise_exception=True)

CASE_ERRORS = {
    services.CannotMergeCases: gettext_lazy("That case is closed or already merged."),
    services.CannotSplit: gettext_lazy(
        "Only a customer's message can become a case, and not the case's last message."
    ),
    services.CaseIsClosed: gettext_lazy(
        "This case is closed: the customer's next message opens a new one."
    ),
    services.MacroNotUsable: gettext_lazy("This macro cannot be used on this case."),
    TransitionNotAllowed: gettext_lazy("The case cannot move to that status from where it is."),
}


def _filter_form(
    request: HttpRequest, data: QueryDict | dict, staff: list[tuple[int, str]]
) -> CaseFilterForm:
    return CaseFilterForm(data, queues=visible_queues(request.user), assignees=staff)


@login_required
@desk_view
def case_list_view(request: HttpRequest) -> HttpResponse:
    """The case list: a view, its filters and sort, one page of cases, and counts per view."""
    saved = None
    data = request.GET
    if saved_id := request.GET.get("saved", ""):
        saved = get_object_or_404(
            SavedView, pk=saved_id if saved_id.isdigit() else 0, owner=request.user
        )
        data = saved.query
    staff = user_choices(colleagues(request.user))
    form = _filter_form(request, data, staff)
    case_filter = form.to_filter()
    search = search_matches(case_filter.search) if case_filter.search.strip() else None
    try:
        page = keyset_page(
            case_table(request.user, case_filter, search),
            SORTS[case_filter.sort],
            CASES_PER_PAGE,
            request.GET.get("cursor"),
        )
    except BadCursor:
        return redirect(f"{reverse('desk:case-list')}?{urlencode(case_filter.as_query())}")
    context = {
        "form": form,
        "page": page,
        "case_filter": case_filter,
        "newest_matches_only": bool(search and search.newest_only),
        "query": urlencode(case_filter.as_query()),
        "views": list(CaseView),
        "counts": view_counts(request.user),
        "saved_views": request.user.saved_views.all(),
        "saved": saved,
        "bulk_form": BulkActionForm(assignees=staff, auto_id="bulk_%s"),
        "save_form": SavedViewForm(),
    }
    partial = bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")
    template = "desk/_case_table.html" if partial else "desk/case_list.html"
    return render(request, template, context)


def _visible_case(request: HttpRequest, number: int) -> Case:
    return get_object_or_404(
        visible_cases(request.user).select_related("customer", "queue", "assignee", "merged_into"),
        number=number,
    )


def _workable_case(request: HttpRequest, number: int) -> Case:
    case = _visible_case(request, number)
    ensure(can_work(request.user, case))
    return case


def _case_forms(request: HttpRequest, case: Case, **bound) -> dict:
    forms = {
        "reply_form": ReplyForm(),
        "note_form": NoteForm(),
        "assign_form": AssignForm(
            initial={"assignee": case.assignee_id},
            assignees=user_choices(assignable_users(request.user, case)),
        ),
        "status_form": StatusForm(case=case),
        "details_form": CaseDetailsForm(instance=case, queues=visible_queues(request.user)),
        "merge_form": MergeCaseForm(),
        "link_form": LinkCaseForm(),
    }
    forms.update(bound)
    return forms


def _live_context(request: HttpRequest, case: Case, last_message_id: int) -> dict:
    return {
        "case": case,
        "last_message_id": last_message_id,
        "others": others_on_case(case, request.user),
        "poll_seconds": poll_seconds(),
        "can_work": can_work(request.user, case),
    }


CASE_HISTORY_SHOWN = 30


def _recent_history(case: Case) -> dict:
    events, total = recent_case_history(case, CASE_HISTORY_SHOWN)
    return {"history": history_lines(events), "history_total": total}


def _render_case(request: HttpRequest, case: Case, status: int = 200, **bound) -> HttpResponse:
    thread = list(case_thread(case))
    note_presence(case, request.user, replying=False)
    mark_mentions_read(case, request.user, timezone.now())
    mark_alerts_read(case, request.user, timezone.now())
    context = {
        **_live_context(request, case, thread[-1].pk if thread else 0),
        "thread": thread,
        **_recent_history(case),
        "linked_cases": linked_cases(case),
        **repeat_contacts_of(case, request.user),
        "other_cases": customer_other_cases(case, request.user),
        "can_work": can_work(request.user, case),
        "chooses_assignee": leads_queue_of(request.user, case),
        "macros": macros_for_case(case),
        "timers": timers_of(case),
        **_case_forms(request, case, **bound),
    }
    return render(request, "desk/case_detail.html", context, status=status)


@login_required
@desk_view
def case_detail_view(request: HttpRequest, number: int) -> HttpResponse:
    """One case: its thread, its history, the customer's other cases and what can be done."""
    return _render_case(request, _visible_case(request, number))


@login_required
@desk_view
def case_history_view(request: HttpRequest, number: int) -> HttpResponse:
    """Everything that happened to a case, from its opening."""
    case = _visible_case(request, number)
    lines = history_lines(case_history(case))
    return render(request, "desk/case_history.html", {"case": case, "history": lines})


@login_required
@desk_view
def case_live_view(request: HttpRequest, number: int) -> HttpResponse:
    """What changed on an open case page: new messages, and who else is on the case."""
    case = _visible_case(request, number)
    since = request.GET.get("since", "")
    since = int(since) if is_small_number(since) else 0
    note_presence(case, request.user, replying=request.GET.get("replying") == "1")
    new_messages = list(case_thread(case).filter(pk__gt=since))
    context = _live_context(request, case, new_messages[-1].pk if new_messages else since)
    context.update(new_messages=new_messages, polled=True)
    return render(request, "desk/_case_live.html", context)


def _back_to(case: Case) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("desk:case-detail", args=[case.number]), status=303)


def _stored(request: HttpRequest, files: list[UploadedFile]) -> list[Attachment]:
    return [store_upload(file, uploaded_by=request.user) for file in files]


@login_required
@desk_view
def attachment_download_view(request: HttpRequest, number: int, pk: int) -> FileResponse:
    """A file of a case's thread, always as a download (never rendered in the desk's origin);
    a blocked file (a type not allowed) to nobody."""
    case = _visible_case(request, number)
    attachment = get_object_or_404(Attachment, pk=pk, message__case=case)
    ensure(not attachment.blocked)
    return file_response(attachment)


@require_POST
@login_required
@desk_view
def case_reply_view(request: HttpRequest, number: int) -> HttpResponse:
    """Send the customer a reply."""
    case = _workable_case(request, number)
    form = ReplyForm(request.POST, request.FILES, macros=macros_for_case(case))
    if not form.is_valid():
        return _render_case(request, case, status=400, reply_form=form)
    macro = form.cleaned_data["macro"]
    try:
        attachments = _stored(request, form.cleaned_data["files"])
        if macro is None:
            services.reply_to_customer(
                case,
                agent=request.user,
                text=form.cleaned_data["text"],
                then=Status(form.cleaned_data["then"]),
                attachments=attachments,
            )
        else:
            services.reply_with_macro(
                case,
                agent=request.user,
                macro=macro,
                text=form.cleaned_data["text"],
                then=Status(form.cleaned_data["then"]),
                attachments=attachments,
            )
    except (services.CaseIsClosed, services.MacroNotUsable, TransitionNotAllowed) as error:
        messages.error(request, CASE_ERRORS[type(error)])
    else:
        messages.success(request, _("Reply queued for sending."))
    return _back_to(case)


@require_POST
@login_required
@desk_view
def case_note_view(request: HttpRequest, number: int) -> HttpResponse:
    """Add an internal note."""
    case = _workable_case(request, number)
    form = NoteForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_case(request, case, status=400, note_form=form)
    services.add_internal_note(
        case,
        agent=request.user,
        text=form.cleaned_data["text"],
        attachments=_stored(request, form.cleaned_data["files"]),
    )
    unreachable = split_by_access(form.cleaned_data["text"], case)[1]
    if unreachable:
        names = ", ".join(str(user) for user in unreachable)
        messages.warning(
            request, _("Not told, as they cannot see this case: %(names)s") % {"names": names}
        )
    messages.success(request, _("Note added."))
    return _back_to(case)


@require_POST
@login_required
@desk_view
def case_assign_view(request: HttpRequest, number: int) -> HttpResponse:
    """Give the case to someone, take it, or hand it back to the queue."""
    case = _workable_case(request, number)
    if "take" in request.POST:
        assignee = request.user
    else:
        # Any active user is a valid choice here; whether this one may take it is checked below.
        form = AssignForm(request.POST, assignees=user_choices(User.objects.filter(is_active=True)))
        if not form.is_valid():
            return _render_case(request, case, status=400, assign_form=form)
        assignee = form.cleaned_data["assignee"]
    ensure(can_assign(request.user, case, assignee))
    services.assign_case(case, assignee, actor=request.user)
    messages.success(request, _("Assignment saved."))
    return _back_to(case)


@require_POST
@login_required
@desk_view
def case_status_view(request: HttpRequest, number: int) -> HttpResponse:
    """Move the case to another status."""
    case = _workable_case(request, number)
    form = StatusForm(request.POST, case=case)
    if not form.is_valid():
        return _render_case(request, case, status=400, status_form=form)
    services.change_status(case, form.cleaned_data["status"], actor=request.user)
    messages.success(request, _("Status changed."))
    return _back_to(case)


@require_POST
@login_required
@desk_view
def case_details_view(request: HttpRequest, number: int) -> HttpResponse:
    """Change subject, priority, category or queue."""
    case = _workable_case(request, number)
    form = CaseDetailsForm(
        request.POST, instance=Case.objects.get(pk=case.pk), queues=visible_queues(request.user)
    )
    if not form.is_valid():
        return _render_case(request, case, status=400, details_form=form)
    changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
    services.change_case_details(case, actor=request.user, **changes)
    messages.success(request, _("Case details saved."))
    return _back_to(case)


def _other_workable_case(request: HttpRequest, form: forms.Form, field: str) -> Case | None:
    """The case a form names, if the user may work it; otherwise a form error and None."""
    other = visible_cases(request.user).filter(number=form.cleaned_data[field]).first()
    if other is None or not can_work(request.user, other):
        form.add_error(field, _("There is no case with this number that you can work on."))
        return None
    return other


@require_POST
@login_required
@desk_view
def case_merge_view(request: HttpRequest, number: int) -> HttpResponse:
    """Merge this duplicate into another case: its messages move there, it is closed."""
    case = _workable_case(request, number)
    form = MergeCaseForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, status=400, merge_form=form)
    target = _other_workable_case(request, form, "into")
    if target is None:
        return _render_case(request, case, status=400, merge_form=form)
    try:
        services.merge_cases(case, target, actor=request.user)
    except services.CannotMergeCases:
        messages.error(request, CASE_ERRORS[services.CannotMergeCases])
        return _back_to(case)
    messages.success(
        request, _("%(duplicate)s was merged into this case.") % {"duplicate": case.reference}
    )
    return _back_to(target)


@require_POST
@login_required
@desk_view
def case_link_view(request: HttpRequest, number: int) -> HttpResponse:
    """Link this case to a related one, or remove that link."""
    case = _workable_case(request, number)
    form = LinkCaseForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, status=400, link_form=form)
    other = _other_workable_case(request, form, "other")
    if other is None:
        return _render_case(request, case, status=400, link_form=form)
    if other.pk == case.pk:
        form.add_error("other", _("That is this case."))
        return _render_case(request, case, status=400, link_form=form)
    if "unlink" in request.POST:
        services.unlink_cases(case, other, actor=request.user)
        messages.success(request, _("Link removed."))
    else:
        services.link_cases(case, other, actor=request.user)
        messages.success(request, _("Cases linked."))
    return _back_to(case)


@require_http_methods(["GET", "POST"])
@login_required
@desk_view
def message_split_view(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    """Make a new case of one customer message that is about another matter: the form, then
    the split."""
    case = _workable_case(request, number)
    message = get_object_or_404(case_thread(case), pk=pk)
    form = SplitForm(
        request.POST if request.method == "POST" else None,
        initial={"subject": services.subject_from_text(message.text)},
    )
    if not form.is_valid():
        context = {"case": case, "message": message, "form": form}
        return render(
            request, "desk/message_split.html", context, status=400 if form.is_bound else 200
        )
    try:
        new_case = services.split_message(
            message, actor=request.user, subject=form.cleaned_data["subject"]
        )
    except services.CannotSplit:
        messages.error(request, CASE_ERRORS[services.CannotSplit])
        return _back_to(case)
    messages.success(
        request, _("The message is now case %(reference)s.") % {"reference": new_case.reference}
    )
    return _back_to(new_case)


def _list_url(request: HttpRequest) -> str:
    back = request.POST.get("next", "")
    return back if back.startswith("/cases/") else reverse("desk:case-list")


@require_POST
@login_required
@desk_view
def bulk_action_view(request: HttpRequest) -> HttpResponse:
    """Assign, move or re-prioritise the ticked cases."""
    form = BulkActionForm(request.POST, assignees=user_choices(colleagues(request.user)))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return HttpResponseRedirect(_list_url(request), status=303)
    data = form.cleaned_data
    value = data.get(BulkActionForm.VALUE_FIELDS[data["action"]]) or None
    outcome = apply_to_cases(request.user, data["case"], data["action"], value)
    if outcome.changed:
        count = len(outcome.changed)
        messages.success(
            request,
            ngettext("%(count)d case changed.", "%(count)d cases changed.", count)
            % {"count": count},
        )
    if outcome.refused:
        messages.error(
            request,
            _("Not changed, you may not change these cases: %(references)s")
            % {"references": _references(outcome.refused)},
        )
    if outcome.not_allowed:
        messages.error(
            request,
            _("Not changed, their status cannot move there: %(references)s")
            % {"references": _references(outcome.not_allowed)},
        )
    return HttpResponseRedirect(_list_url(request), status=303)


def _references(numbers: list[int]) -> str:
    return ", ".join(case_reference(number) for number in numbers)


@require_POST
@login_required
@desk_view
def saved_view_create(request: HttpRequest) -> HttpResponse:
    """Keep the current filters under a name."""
    form = SavedViewForm(request.POST)
    filter_form = _filter_form(request, request.POST, user_choices(colleagues(request.user)))
    if form.is_valid():
        saved = services.save_view(
            request.user, form.cleaned_data["name"], filter_form.to_filter().as_query()
        )
        return HttpResponseRedirect(f"{reverse('desk:case-list')}?saved={saved.pk}", status=303)
    messages.error(request, _("Give the view a name."))
    return HttpResponseRedirect(reverse("desk:case-list"), status=303)


@require_POST
@login_required
@desk_view
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Forget a saved view."""
    services.forget_view(get_object_or_404(SavedView, pk=pk, owner=request.user))
    return HttpResponseRedirect(reverse("desk:case-list"), status=303)


@login_required
@desk_view
def case_macro_view(request: HttpRequest, number: int) -> HttpResponse:
    """Put a macro's reply, rendered for this case, in the reply box: a fragment for HTMX, the
    case page otherwise, so the picker works without JavaScript."""
    case = _workable_case(request, number)
    partial = bool(request.headers.get("HX-Request"))
    picked = request.GET.get("macro", "")
    if not is_small_number(picked):
        if partial:
            return render(request, "desk/_macro_inserted.html", {"case": case})
        return redirect("desk:case-detail", case.number)
    macro = get_object_or_404(macros_for_case(case), pk=int(picked))
    reply = services.macro_reply(case, macro, request.user)
    reply_form = ReplyForm(
        initial={"text": reply.text, "then": reply.changes["then"], "macro": macro}
    )
    if partial:
        context = {"case": case, "macro_reply": reply, "reply_form": reply_form}
        return render(request, "desk/_macro_inserted.html", context)
    return _render_case(request, case, reply_form=reply_form, macro_reply=reply)

// Keyboard shortcuts of the desk (listed in the "?" dialog, templates/_shortcuts_help.html),
// and a guard so that choosing a macro never silently replaces a reply the agent wrote.
"use strict";

(() => {
  const TEXT_FIELDS =
    "textarea, select, input:not([type=checkbox], [type=radio], [type=button], [type=submit], [type=reset])";

  // Letters typed into a field are text, not commands.
  const typing = (element) =>
    element instanceof Element && (element.isContentEditable || element.matches(TEXT_FIELDS));

  const focus = (selector) => {
    const element = document.querySelector(selector);
    if (!element) return false;
    element.focus();
    return true;
  };

  const openHelp = () => {
    const dialog = document.getElementById("shortcuts-help");
    if (!dialog || dialog.open) return false;
    dialog.showModal();
    return true;
  };

  // Take the case when one may; otherwise (it is already one's own) choose whom to give it to,
  // or, for an agent who cannot choose, go to the button that hands it back to the queue.
  const takeOrAssign = () => {
    const take = document.querySelector('#assign-form button[name="take"]');
    if (take) {
      take.click();
      return true;
    }
    return focus("#assign-form select") || focus('#assign-form button[name="assignee"]');
  };

  // j / k move between the rows of the case list; Enter then follows the focused link.
  const moveInList = (step) => {
    const links = [...document.querySelectorAll("table.cases tbody a.case-link")];
    if (!links.length) return false;
    const current = links.findIndex((link) => link.closest("tr").contains(document.activeElement));
    const next = current < 0 ? 0 : Math.min(Math.max(current + step, 0), links.length - 1);
    links[next].focus();
    links[next].scrollIntoView({ block: "nearest" });
    return true;
  };

  const SHORTCUTS = {
    r: () => focus("#id_reply_text"),
    n: () => focus("#id_note_text"),
    m: () => focus("#id_macro_pick"),
    a: takeOrAssign,
    j: () => moveInList(1),
    k: () => moveInList(-1),
    "/": () => focus('input[accesskey="/"]'),
    "?": openHelp,
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || document.querySelector("dialog[open]")) return;
    const shortcut = SHORTCUTS[event.key];
    if (shortcut && shortcut()) event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", () => {
    for (const button of document.querySelectorAll("[data-opens-dialog]")) {
      button.hidden = false;
      button.addEventListener("click", () =>
        document.getElementById(button.dataset.opensDialog).showModal(),
      );
    }
  });

  // A macro picker names the reply box it fills (data-replaces): ask before overwriting text
  // the agent typed there, and not when the box holds an untouched macro or nothing.
  document.addEventListener("htmx:confirm", (event) => {
    const picker = event.detail.elt;
    if (!picker.dataset || !picker.dataset.replaces) return;
    const box = document.getElementById(picker.dataset.replaces);
    const choosing = new FormData(picker).get("macro");
    if (!choosing || !box || !box.value.trim() || box.value === box.defaultValue) return;
    event.preventDefault();
    if (window.confirm(picker.dataset.confirm)) event.detail.issueRequest(true);
  });
})();

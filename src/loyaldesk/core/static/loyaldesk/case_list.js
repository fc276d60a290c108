// The bulk bar of the case list: show only the field the chosen action needs, and count the
// ticked cases. Delegated from the document, since HTMX replaces the table with its bar.
(() => {
  const bulk = () => document.getElementById("bulk");

  const showActionField = () => {
    const form = bulk();
    if (!form) return;
    const action = form.querySelector('[name="action"]').value;
    form.querySelectorAll("[data-bulk-action]").forEach((field) => {
      field.hidden = field.dataset.bulkAction !== action;
    });
  };

  const countTicked = () => {
    const form = bulk();
    const output = form && form.querySelector("[data-bulk-selected]");
    if (output) output.textContent = form.querySelectorAll('input[name="case"]:checked').length;
  };

  document.addEventListener("change", (event) => {
    if (!event.target.closest("#bulk")) return;
    if (event.target.name === "action") showActionField();
    if (event.target.name === "case") countTicked();
  });
  document.addEventListener("DOMContentLoaded", showActionField);
  document.addEventListener("htmx:afterSwap", () => {
    showActionField();
    countTicked();
  });
})();

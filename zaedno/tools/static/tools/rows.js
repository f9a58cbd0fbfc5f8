// "Add a row" in the tools' lists of people. Without JavaScript the form still offers blank rows.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-rows]").forEach((section) => {
    const prefix = section.dataset.rows;
    const total = section.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const template = section.querySelector("template.tool-row-template");
    const button = section.querySelector(".tool-add-row");
    const rows = section.querySelector(".tool-rows");
    if (!total || !template || !button || !rows) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const index = parseInt(total.value, 10) || 0;
      const html = template.innerHTML.replaceAll("__prefix__", String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const added = rows.lastElementChild;
      const first = added && added.querySelector("input, select, textarea");
      if (first) first.focus();
    });
  });
});

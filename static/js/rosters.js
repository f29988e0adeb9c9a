// Roster pages: a pressed state for slow submissions (and no double import), "select all" for slips.
document.querySelectorAll("form[data-busy-text]").forEach((form) => {
  form.addEventListener("submit", () => {
    const button = form.querySelector("button[type=submit]");
    if (!button) return;
    window.setTimeout(() => {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      button.textContent = form.dataset.busyText;
    }, 0);
  });
});
document.querySelectorAll("input[data-check-all]").forEach((master) => {
  const boxes = () => document.querySelectorAll(`input[type=checkbox][name="${master.dataset.checkAll}"]`);
  master.addEventListener("change", () => boxes().forEach((box) => { box.checked = master.checked; }));
});

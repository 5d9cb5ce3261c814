// The "Print this plan" button: shown only where a script can print; without it, the
// browser's own Print works the same, since the page has a print style sheet.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.closest("[hidden]")?.removeAttribute("hidden");
  button.addEventListener("click", () => window.print());
});

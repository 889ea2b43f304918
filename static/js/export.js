// While a long export renders, say so: the download starts without leaving the page, so the
// browser shows nothing. Without JavaScript the form works the same, silently.
document.querySelectorAll("form[action$='/export']").forEach((form) => {
  const button = form.querySelector("button[data-busy]");
  const status = form.querySelector("[role=status]");
  form.addEventListener("submit", () => {
    status.textContent = button.dataset.busy;
    button.setAttribute("aria-busy", "true");
    // The file arrives as a download; the page cannot see when, so the note fades after a while.
    setTimeout(() => { status.textContent = ""; button.removeAttribute("aria-busy"); }, 20000);
  });
});

// The page holds only a blurred, greyscale copy made on the server. Revealing is a POST that the server
// records in the audit log before it sends the original; here the answer replaces the copy in place.
// Without JavaScript the same form opens the original in a new tab, through the same audited POST.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form.reveal");
  if (!form) return;
  event.preventDefault();
  const figure = form.closest("figure.shielded");
  const problem = figure.querySelector(".reveal-error");
  const response = await fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin"});
  if (!response.ok) {
    problem.textContent = await response.text();
    problem.hidden = false;
    return;
  }
  const image = figure.querySelector("img");
  image.src = URL.createObjectURL(await response.blob());
  image.alt = figure.dataset.revealedAlt || image.alt;
  figure.classList.add("revealed");
  form.remove();
});

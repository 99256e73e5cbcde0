// The review screen: keeps the lease on the item while the page is open, and offers keyboard shortcuts.
(() => {
  const review = document.getElementById("review");
  if (!review) return;
  const csrf = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  if (review.dataset.mine === "1") {
    const every = Math.max(15, Number(review.dataset.leaseSeconds || 600) / 3) * 1000;
    setInterval(() => {
      if (document.visibilityState !== "visible") return;
      fetch(review.dataset.renewUrl, {method: "POST", headers: {"X-CSRFToken": csrf()}, credentials: "same-origin"});
    }, every);
  }
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const key = event.key.toLowerCase();
    if (key === "d") {
      const first = document.querySelector("#decision-form input, #decision-form select, #decision-form textarea");
      if (first) { event.preventDefault(); first.focus(); first.scrollIntoView({block: "center"}); }
      return;
    }
    const button = document.querySelector(`button[data-key="${key}"]:not([disabled])`);
    if (button) { event.preventDefault(); button.click(); }
  });
})();

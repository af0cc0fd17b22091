// Keeps the export's progress bar up to date without reloading the page (a timed reload fails WCAG 2.2.1),
// and shows the finished page once the bundle is ready. Without JavaScript the "Check progress" link does it.
(function () {
  var bar = document.getElementById("job-progress");
  if (!bar) return;
  var label = document.querySelector("label[for='job-progress']");
  var status = document.getElementById("job-status-message");
  function poll() {
    fetch(window.location.pathname, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.value = job.progress;
        bar.textContent = job.progress + "%";
        if (label) label.textContent = "Progress: " + job.progress + "%";
        if (status) status.textContent = job.message;
        if (job.status === "succeeded" || job.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();

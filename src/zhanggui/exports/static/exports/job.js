// The export page: polls the job's status until it finishes, then reloads (the download
// link appears on the reloaded page).
(function () {
    var root = document.getElementById("export-job");
    if (!root || root.dataset.finished === "1") { return; }
    var timer = setInterval(function () {
        fetch(root.dataset.statusUrl, {credentials: "same-origin"})
            .then(function (response) { return response.json(); })
            .then(function (status) {
                document.getElementById("export-status").textContent = status.status_label;
                document.getElementById("export-rows").textContent = status.message;
                document.getElementById("export-progress").style.width = Math.round(status.progress * 100) + "%";
                if (status.is_finished) { clearInterval(timer); window.location.reload(); }
            });
    }, 1000);
})();

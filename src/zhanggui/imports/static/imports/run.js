// The import-run page: polls the run's status until it finishes, then reloads.
(function () {
    var root = document.getElementById("import-run");
    if (!root || root.dataset.finished === "1") { return; }
    var timer = setInterval(function () {
        fetch(root.dataset.statusUrl, {credentials: "same-origin"})
            .then(function (response) { return response.json(); })
            .then(function (status) {
                document.getElementById("run-status").textContent = status.status_label;
                document.getElementById("run-rows").textContent = status.rows_read;
                document.getElementById("run-progress").style.width = Math.round(status.progress * 100) + "%";
                if (status.is_finished) { clearInterval(timer); window.location.reload(); }
            });
    }, 1000);
})();

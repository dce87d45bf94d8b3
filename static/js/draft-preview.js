// Progressive enhancement of the draft form: the preview and formal check follow the typing.
// Without JavaScript the "Show the draft and check it" button does the same on the server.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-template]");
  var region = document.getElementById("draft-preview");
  if (!form || !region || !window.fetch) return;
  var timer = null;
  function collect() {
    var fields = {}, justification = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name) return;
      if (element.name.indexOf("f_") === 0) fields[element.name.slice(2)] = element.value;
      if (element.name.indexOf("j_") === 0) justification[element.name.slice(2)] = element.value;
    });
    return { municipality: form.dataset.previewMunicipality, fields: fields, justification: justification };
  }
  function show(data) {
    var list = data.formal_check || [];
    var html = "";
    if (list.length) {
      html += '<ul class="rule-list">';
      list.forEach(function (finding) {
        var item = document.createElement("li");
        item.textContent = finding.message;
        html += '<li class="finding finding--' + finding.level + '">' + item.innerHTML + "</li>";
      });
      html += "</ul>";
    }
    var heading = region.querySelector("h2");
    region.innerHTML = "";
    if (heading) region.appendChild(heading);
    var checks = document.createElement("div");
    checks.innerHTML = html;
    region.appendChild(checks);
    var draft = document.createElement("div");
    draft.innerHTML = data.html || "";  // rendered by the server with every value escaped
    region.appendChild(draft);
  }
  function refresh() {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    fetch("/api/v1/templates/" + encodeURIComponent(form.dataset.previewTemplate) + "/preview/", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      credentials: "same-origin",
      body: JSON.stringify(collect())
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data) show(data);
    }).catch(function () { /* the server-side preview button still works */ });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  });
})();

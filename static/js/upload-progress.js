// Upload progress for the photo and video forms (venues/media/upload_form.html). Without JavaScript the form is an
// ordinary multipart POST; with htmx it is sent in the background and its <progress> follows the bytes sent. A refused
// upload (400) carries the form with the reasons: it replaces the form (htmx leaves 4xx answers unswapped by default).
(function () {
  "use strict";

  function uploadForm(event) {
    var target = event.detail && event.detail.elt;
    return target && target.closest ? target.closest("form[data-upload-progress]") : null;
  }

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = uploadForm(event);
    if (!form || !event.detail.lengthComputable) {
      return;
    }
    var bar = form.querySelector("progress");
    var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    bar.hidden = false;
    bar.value = percent;
    bar.setAttribute("aria-valuenow", String(percent));
    form.querySelector("[data-upload-percent]").textContent = percent + " %";
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (uploadForm(event) && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
